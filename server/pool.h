/* server/pool.h - a bounded pool of worker threads for slow work. */
#ifndef SRV_POOL_H
#define SRV_POOL_H

#include <sys/time.h>

struct event_base;
typedef struct srv_pool srv_pool;
typedef struct srv_job srv_job;

/* Embed one of these in the job's own struct. `work` runs on a pool
 * thread; `done` then runs on the event loop of `base` (after `delay`),
 * where it may touch the HTTP request again. */
struct srv_job {
    void (*work)(srv_job *j);
    void (*done)(srv_job *j);
    struct event_base *base;
    struct timeval delay;
    srv_job *next;              /* queue link (the pool's) */
};

/* `threads` threads; at most `max_queue` jobs waiting. */
int pool_new(srv_pool **out, const char *name, int threads, int max_queue);
/* 0 if queued; -1 if the queue is full or the pool is stopping (the
 * caller answers 503). */
int pool_submit(srv_pool *p, srv_job *j);
/* Jobs queued or running. */
int pool_pending(srv_pool *p);
/* Finish what is queued, stop the threads, free the pool. */
void pool_free(srv_pool *p);

#endif /* SRV_POOL_H */
