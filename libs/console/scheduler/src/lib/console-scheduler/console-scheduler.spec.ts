import { ComponentFixture, TestBed } from '@angular/core/testing';
import { ConsoleScheduler } from './console-scheduler';

describe('ConsoleScheduler', () => {
  let component: ConsoleScheduler;
  let fixture: ComponentFixture<ConsoleScheduler>;

  beforeEach(async () => {
    await TestBed.configureTestingModule({
      imports: [ConsoleScheduler],
    }).compileComponents();

    fixture = TestBed.createComponent(ConsoleScheduler);
    component = fixture.componentInstance;
    await fixture.whenStable();
  });

  it('should create', () => {
    expect(component).toBeTruthy();
  });
});
