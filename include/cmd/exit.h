/*
 * exit.h - the exit statuses of every command, in one place.
 */
#ifndef KFPCACHE_EXIT_H
#define KFPCACHE_EXIT_H

#define EXIT_OK 0
#define EXIT_ERROR 1       /* bad input, unreadable file, failed write */
#define EXIT_USAGE 2       /* bad command line; nothing was read or written */
#define EXIT_PARTIAL 3     /* history: some versions did not load (error rows) */
#define EXIT_GATE 4        /* a --fail-on condition held */

#endif
