import { Component } from '@angular/core';

@Component({
  selector: 'flow-console-scheduler',
  imports: [],
  templateUrl: './console-scheduler.html',
  styleUrl: './console-scheduler.css',
})
export class ConsoleScheduler {}
