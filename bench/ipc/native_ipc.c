/*
 * The Linux kernel's side of bench/ipc/run: the operations of dev.haven.bench.SysVIpcBenchmark and
 * RoundTripBenchmark on real System V and POSIX IPC, counted the same way (a send and its receive, a P and
 * its V, one write into an attached segment, one request and its reply between two processes).
 * Prints "name ops_per_second" lines. Usage: native_ipc [SECONDS_PER_TEST (1)]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BYTES 64

struct msg { long mtype; char mtext[BYTES]; };

static double seconds = 1.0;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void die(const char *what) {
    perror(what);
    exit(1);
}

/* Runs op in batches until the time is up; returns operations per second. */
#define MEASURE(name, op) do {                                        \
        long count = 0; double begin = now(), elapsed;               \
        do { for (int i_ = 0; i_ < 1000; i_++) { op; } count += 1000; \
             elapsed = now() - begin; } while (elapsed < seconds);    \
        printf("%s %.0f\n", name, count / elapsed); fflush(stdout);   \
    } while (0)

int main(int argc, char **argv) {
    if (argc > 1) seconds = atof(argv[1]);
    struct msg out = { 1, { 0 } }, in;

    int msqid = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
    if (msqid < 0) die("msgget");
    MEASURE("msgsnd+msgrcv", {
        if (msgsnd(msqid, &out, BYTES, 0) < 0) die("msgsnd");
        if (msgrcv(msqid, &in, BYTES, 0, 0) < 0) die("msgrcv");
    });

    int semid = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
    if (semid < 0) die("semget");
    struct sembuf up = { 0, 1, 0 }, down = { 0, -1, 0 };
    MEASURE("semop-pair", {
        if (semop(semid, &up, 1) < 0) die("semop");
        if (semop(semid, &down, 1) < 0) die("semop");
    });

    int shmid = shmget(IPC_PRIVATE, 1 << 20, IPC_CREAT | 0600);
    if (shmid < 0) die("shmget");
    char *memory = shmat(shmid, NULL, 0);
    if (memory == (void *) -1) die("shmat");
    char payload[BYTES] = { 1 };
    MEASURE("shm-write", {
        memcpy(memory, payload, BYTES);
        __asm__ __volatile__("" ::: "memory"); /* the store is not optimised away */
    });

    struct mq_attr attr = { .mq_maxmsg = 10, .mq_msgsize = BYTES };
    char name[64];
    snprintf(name, sizeof name, "/haven-bench-%d", getpid());
    mqd_t mq = mq_open(name, O_CREAT | O_EXCL | O_RDWR, 0600, &attr);
    if (mq == (mqd_t) -1) die("mq_open");
    mq_unlink(name);
    unsigned priority;
    MEASURE("mq_send+mq_receive", {
        if (mq_send(mq, payload, BYTES, 1) < 0) die("mq_send");
        if (mq_receive(mq, in.mtext, BYTES, &priority) < 0) die("mq_receive");
    });

    pid_t server = fork();
    if (server < 0) die("fork");
    if (server == 0) {
        for (;;) {
            if (msgrcv(msqid, &in, BYTES, 1, 0) < 0) _exit(0);
            in.mtype = 2;
            if (msgsnd(msqid, &in, BYTES, 0) < 0) _exit(0);
        }
    }
    MEASURE("round-trip", {
        if (msgsnd(msqid, &out, BYTES, 0) < 0) die("msgsnd");
        if (msgrcv(msqid, &in, BYTES, 2, 0) < 0) die("msgrcv");
    });

    msgctl(msqid, IPC_RMID, NULL);
    waitpid(server, NULL, 0);
    semctl(semid, 0, IPC_RMID);
    shmdt(memory);
    shmctl(shmid, IPC_RMID, NULL);
    mq_close(mq);
    return 0;
}
