/*
 * outfile.h - reports are written to a temporary file beside the target and
 * renamed into place only when every report of the command succeeded, so a
 * failed run leaves earlier reports untouched and never a truncated one.
 *
 * A symbolic link is followed: the temporary goes beside the link's real
 * target and is renamed onto it, so the link stays a link.  Targets that
 * are not regular files (/dev/stdout, /dev/full, pipes, sockets) are
 * written directly and every write error is reported.  Temporaries still
 * open when SIGINT, SIGTERM or SIGHUP arrives are removed before the
 * signal ends the process.  Every message names the user's path.
 */
#ifndef KFPCACHE_OUTFILE_H
#define KFPCACHE_OUTFILE_H

#include <stdbool.h>
#include <stdio.h>

struct outfile {
	char *path;        /* target as the user named it (messages) */
	char *real;        /* the file renamed onto: path with links resolved */
	char *tmp;         /* temporary beside real, or NULL when direct */
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
	char **dirs;       /* the directories outset_mkdir created, in order */
	size_t ndirs, dirs_alloc;
};
void outset_init(struct outset *s);
/* Open the next output; returns its FILE* via *fp. */
int outset_open(struct outset *s, const char *path, FILE **fp);
/* Close the last opened file now (its rename still waits for commit). */
int outset_close_last(struct outset *s);
/*
 * mkdir -p: create dir and each missing parent (mode 0777 less the umask),
 * remembered so that outset_abort removes them again (when still empty).
 * Errors name dir and the directory that could not be made, with the
 * reason: "out/a/b: cannot create directory 'out/a': Permission denied",
 * "out/f: 'out/f' exists and is not a directory".
 */
int outset_mkdir(struct outset *s, const char *dir);
/* Close every file, then rename all; on any failure remove all temporaries. */
int outset_commit(struct outset *s);
/* Remove every temporary and the directories outset_mkdir created; frees. */
void outset_abort(struct outset *s);

/*
 * The files one command reads and writes, claimed after its options are
 * parsed and before any work.  `what` names the option ("--csv", "SPEC")
 * and is copied; path is borrowed.  "-" (standard input or output) is never
 * compared.
 */
struct claim {
	char *what;
	const char *path;
	bool output;
};
struct claims {
	struct claim *v;
	size_t n, alloc;
};
void claims_init(struct claims *c);
void claims_release(struct claims *c);
void claims_add(struct claims *c, const char *what, const char *path, bool output);
/*
 * -1 with a message naming both options when an output is empty, is one
 * of the inputs, or is another output: the same device and inode for
 * files that exist, the same resolved path for files that do not yet.
 * Character devices, pipes and sockets may be named more than once; "-"
 * (standard output) by one output only.
 */
int claims_check(const struct claims *c);

#endif
