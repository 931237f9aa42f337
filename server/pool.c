/* server/pool.c - the worker pool: slow work off the event loops.
 *
 * Password hashing (argon2id, tens of milliseconds and 64 MiB each) and
 * every handler that touches the store run here, so an event loop never
 * blocks on the CPU or the disk. The queue is bounded: a full queue is an
 * immediate "no" (503 + Retry-After) rather than a growing backlog. When a
 * job is done its completion goes back to the event base that asked, via
 * event_base_once, which is thread-safe once evthread_use_pthreads ran.
 */
#include "pool.h"
#include "log.h"

#include <event2/event.h>
#include <pthread.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

struct srv_pool {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    srv_job *head, *tail;
    int queued, running, max_queue, stopping;
    int n_threads;
    char name[16];
    pthread_t *threads;
};

static void run_done(evutil_socket_t fd, short what, void *arg)
{
    srv_job *j = arg;
    (void)fd;
    (void)what;
    j->done(j);
}

static void *thread_main(void *arg)
{
    srv_pool *p = arg;
    for (;;) {
        srv_job *j;
        pthread_mutex_lock(&p->mu);
        while (!p->head && !p->stopping)
            pthread_cond_wait(&p->cv, &p->mu);
        if (!p->head) {
            pthread_mutex_unlock(&p->mu);
            return NULL;
        }
        j = p->head;
        p->head = j->next;
        if (!p->head)
            p->tail = NULL;
        p->queued--;
        p->running++;
        pthread_mutex_unlock(&p->mu);

        j->work(j);
        if (j->done &&
            event_base_once(j->base, -1, EV_TIMEOUT, run_done, j,
                            &j->delay) != 0)
            log_event("error", "pool %s: cannot hand a job back", p->name);

        pthread_mutex_lock(&p->mu);
        p->running--;
        pthread_mutex_unlock(&p->mu);
    }
}

int pool_new(srv_pool **out, const char *name, int threads, int max_queue)
{
    srv_pool *p = calloc(1, sizeof *p);
    *out = NULL;
    if (!p)
        return -1;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    p->max_queue = max_queue;
    snprintf(p->name, sizeof p->name, "%s", name);
    p->threads = calloc((size_t)threads, sizeof *p->threads);
    if (!p->threads) {
        free(p);
        return -1;
    }
    for (int i = 0; i < threads; i++) {
        if (pthread_create(&p->threads[i], NULL, thread_main, p) != 0) {
            p->n_threads = i;
            pool_free(p);
            return -1;
        }
    }
    p->n_threads = threads;
    *out = p;
    return 0;
}

int pool_submit(srv_pool *p, srv_job *j)
{
    int rc = -1;
    j->next = NULL;
    pthread_mutex_lock(&p->mu);
    if (!p->stopping && p->queued < p->max_queue) {
        if (p->tail)
            p->tail->next = j;
        else
            p->head = j;
        p->tail = j;
        p->queued++;
        rc = 0;
        pthread_cond_signal(&p->cv);
    }
    pthread_mutex_unlock(&p->mu);
    return rc;
}

int pool_pending(srv_pool *p)
{
    int n;
    pthread_mutex_lock(&p->mu);
    n = p->queued + p->running;
    pthread_mutex_unlock(&p->mu);
    return n;
}

void pool_free(srv_pool *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->stopping = 1;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    for (int i = 0; i < p->n_threads; i++)
        pthread_join(p->threads[i], NULL);
    free(p->threads);
    pthread_cond_destroy(&p->cv);
    pthread_mutex_destroy(&p->mu);
    free(p);
}
