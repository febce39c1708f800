/*
 * outfile.c - atomic report output: temporary file in the target directory,
 * rename on success, nothing left behind on failure.
 */
#include "outfile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"
#include "banned.h"

int outfile_open(struct outfile *o, const char *path)
{
	struct stat st;
	struct strbuf sb = STRBUF_INIT;
	int fd;
	bool exists;
	mode_t mask;

	memset(o, 0, sizeof(*o));
	o->path = xstrdup(path);
	exists = !stat(path, &st);
	if (exists && !S_ISREG(st.st_mode)) {
		if (S_ISDIR(st.st_mode))
			return err_set("%s: is a directory", path);
		o->fp = fopen(path, "w");
		if (!o->fp)
			return err_set("%s: cannot write: %s", path, strerror(errno));
		return 0;
	}
	sb_addf(&sb, "%s.tmp-XXXXXX", path);
	fd = mkstemp(sb.buf);
	if (fd < 0) {
		int e = errno;
		sb_release(&sb);
		return err_set("%s: cannot write: %s", path, strerror(e));
	}
	o->tmp = sb_detach(&sb, NULL);
	/*
	 * mkstemp creates the file 0600; a report is published (CI artifacts,
	 * web servers) and gets the mode fopen would give it: the old file's,
	 * or 0666 less the umask.
	 */
	mask = umask(0);
	umask(mask);
	if (fchmod(fd, exists ? st.st_mode & 07777 : 0666 & ~mask) < 0) {
		close(fd);
		return err_set("%s: cannot write: %s", path, strerror(errno));
	}
	o->fp = fdopen(fd, "w");
	if (!o->fp) {
		close(fd);
		return err_set("%s: cannot write: %s", path, strerror(errno));
	}
	return 0;
}

int outfile_close(struct outfile *o)
{
	int bad;

	if (!o->fp)
		return 0;
	bad = ferror(o->fp);
	if (fflush(o->fp))
		bad = 1;
	if (fclose(o->fp))
		bad = 1;
	o->fp = NULL;
	if (bad)
		return err_set("%s: write failed: %s", o->path,
			       errno ? strerror(errno) : "I/O error");
	return 0;
}

int outfile_commit(struct outfile *o)
{
	if (o->tmp) {
		if (rename(o->tmp, o->path))
			return err_set("%s: cannot rename into place: %s", o->path, strerror(errno));
		free(o->tmp);
		o->tmp = NULL;
	}
	return 0;
}

void outfile_abort(struct outfile *o)
{
	if (o->fp)
		fclose(o->fp);
	if (o->tmp)
		unlink(o->tmp);
	free(o->tmp);
	free(o->path);
	memset(o, 0, sizeof(*o));
}

void outset_init(struct outset *s)
{
	memset(s, 0, sizeof(*s));
}

int outset_open(struct outset *s, const char *path, FILE **fp)
{
	struct outfile *o;

	KC_GROW(s->files, s->alloc, s->n + 1);
	o = &s->files[s->n++];
	if (outfile_open(o, path) < 0)
		return -1;
	*fp = o->fp;
	return 0;
}

const char *outset_last_tmp(const struct outset *s)
{
	const struct outfile *o = &s->files[s->n - 1];

	return o->tmp ? o->tmp : o->path;
}

int outset_close_last(struct outset *s)
{
	return outfile_close(&s->files[s->n - 1]);
}

int outset_commit(struct outset *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (outfile_close(&s->files[i]) < 0)
			goto fail;
	for (i = 0; i < s->n; i++)
		if (outfile_commit(&s->files[i]) < 0)
			goto fail;
	outset_abort(s);
	return 0;
fail:
	outset_abort(s);
	return -1;
}

void outset_abort(struct outset *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		outfile_abort(&s->files[i]);
	free(s->files);
	outset_init(s);
}
