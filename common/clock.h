/* Clocks in seconds, as doubles. */
#ifndef COVTRACE_COMMON_CLOCK_H
#define COVTRACE_COMMON_CLOCK_H

/* Seconds on the monotonic clock: for durations and deadlines. */
double clock_monotonic(void);
/* Seconds since the epoch: for records of when something started. */
double clock_realtime(void);

#endif
