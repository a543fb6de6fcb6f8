import { Module } from '@nestjs/common';

import { FileInputs } from './file-inputs';
import { FileLoader } from './file-loader';
import { LANDING_STORAGE, LocalLandingZone } from './landing-zone';
import { FileArrivalsRepository } from './watcher/file-arrivals.repository';
import { SourceWatcher } from './watcher/source-watcher';

/** The landing zone (`FLOW_LANDING_DIR`) and the loading of its files into a run (DESIGN §15). */
@Module({
  providers: [
    LocalLandingZone,
    { provide: LANDING_STORAGE, useExisting: LocalLandingZone },
    FileLoader,
    FileInputs,
    FileArrivalsRepository,
    SourceWatcher,
  ],
  exports: [
    LANDING_STORAGE,
    LocalLandingZone,
    FileLoader,
    FileInputs,
    SourceWatcher,
  ],
})
export class FilesModule {}
