/*
 * outfile.h - reports are written to a temporary file beside the target and
 * renamed into place only when every report of the command succeeded, so a
 * failed run leaves earlier reports untouched and never a truncated one.
 * Targets that are not regular files (/dev/stdout, /dev/full, pipes) are
 * written directly and every write error is reported.
 */
#ifndef KFPCACHE_OUTFILE_H
#define KFPCACHE_OUTFILE_H

#include <stdbool.h>
#include <stdio.h>

struct outfile {
	char *path;        /* target */
	char *tmp;         /* temporary beside it, or NULL when direct */
	FILE *fp;
};

/* Open a temporary for path; errors name path and the reason. */
int outfile_open(struct outfile *o, const char *path);
/* Flush and close; error if any write failed (e.g. ENOSPC). */
int outfile_close(struct outfile *o);
/* Rename the temporary over the target. */
int outfile_commit(struct outfile *o);
/* Remove the temporary (safe after any step); frees. */
void outfile_abort(struct outfile *o);

/* A set of outputs committed together. */
struct outset {
	struct outfile *files;
	size_t n, alloc;
};
void outset_init(struct outset *s);
/* Open the next output; returns its FILE* via *fp. */
int outset_open(struct outset *s, const char *path, FILE **fp);
/* Close the last opened file now (its rename still waits for commit). */
int outset_close_last(struct outset *s);
/* Close every file, then rename all; on any failure remove all temporaries. */
int outset_commit(struct outset *s);
void outset_abort(struct outset *s);
/* The temporary path of the last opened file (for renderers that write by name). */
const char *outset_last_tmp(const struct outset *s);

#endif
