// Jest gives each test file a copy of process.env, so assigning TZ there does not reach the process.
// This environment exposes a setter that changes the real process zone (Node resets the date caches).
const { TestEnvironment } = require('jest-environment-node');

class ProcessZoneEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.global.__setProcessTimeZone = (zone) => {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    };
  }
}

module.exports = ProcessZoneEnvironment;
