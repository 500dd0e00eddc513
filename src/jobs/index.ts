/**
 * Scheduled work. `roster serve` starts the scheduler; Graph connections sync on their interval,
 * one run per connection at a time across every process sharing the database.
 */
export { startScheduler, type Scheduler, type SchedulerOptions } from './scheduler.js';
