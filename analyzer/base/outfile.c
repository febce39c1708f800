/*
 * outfile.c - atomic report output: temporary file beside the real target,
 * rename on success, nothing left behind on failure or on a fatal signal;
 * and the check that no output is an input or another output.
 */
#define _XOPEN_SOURCE 700     /* realpath */
#include "base/outfile.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"
#include "base/banned.h"

/*
 * The temporaries that exist now, for the signal handler.  The handler may
 * only read: slots are published with atomic stores, grown by copying into
 * a larger array that points back at the old one (never freed, so the
 * handler can still be reading it), and a slot's path is not freed while
 * the process lives (a path is small; a run makes few thousand at most).
 */
struct tmp_slots {
	size_t cap;
	struct tmp_slots *older;
	_Atomic(const char *) *path;
};
static _Atomic(struct tmp_slots *) tmp_registry;
static pthread_mutex_t tmp_lock = PTHREAD_MUTEX_INITIALIZER;
/* Paths no longer registered: the handler may still hold one; freed at exit. */
static char **tmp_retired;
static size_t tmp_nretired, tmp_retired_alloc;

static void tmp_free_all(void)
{
	struct tmp_slots *s = atomic_load(&tmp_registry), *older;
	size_t i;

	atomic_store(&tmp_registry, NULL);
	for (i = 0; i < tmp_nretired; i++)
		free(tmp_retired[i]);
	free(tmp_retired);
	tmp_retired = NULL;
	tmp_nretired = tmp_retired_alloc = 0;
	/* The newest array holds every live path; the older ones copies. */
	for (i = 0; s && i < s->cap; i++)
		free((char *)atomic_load(&s->path[i]));
	for (; s; s = older) {
		older = s->older;
		free(s->path);
		free(s);
	}
}
static const int fatal_signals[] = { SIGINT, SIGTERM, SIGHUP };

static void on_fatal_signal(int sig)
{
	struct tmp_slots *s = atomic_load(&tmp_registry);
	size_t i;

	for (i = 0; s && i < s->cap; i++) {
		const char *p = atomic_load(&s->path[i]);
		if (p)
			unlink(p);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Once, at the first temporary: signals the user ignored stay ignored. */
static void install_handlers(void)
{
	size_t i;

	for (i = 0; i < KC_ARRAY_SIZE(fatal_signals); i++) {
		struct sigaction sa, old;
		if (sigaction(fatal_signals[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
			continue;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_fatal_signal;
		sigemptyset(&sa.sa_mask);
		sigaction(fatal_signals[i], &sa, NULL);
	}
}

static void tmp_register(const char *path)
{
	struct tmp_slots *s, *grown;
	size_t i;

	pthread_mutex_lock(&tmp_lock);
	s = atomic_load(&tmp_registry);
	if (!s) {
		install_handlers();
		atexit(tmp_free_all);
	}
	for (i = 0; s && i < s->cap; i++)
		if (!atomic_load(&s->path[i]))
			goto found;
	grown = xcalloc(1, sizeof(*grown));
	grown->cap = s ? 2 * s->cap : 16;
	grown->older = s;
	grown->path = xcalloc(grown->cap, sizeof(*grown->path));
	for (i = 0; s && i < s->cap; i++)
		atomic_store(&grown->path[i], atomic_load(&s->path[i]));
	atomic_store(&tmp_registry, grown);
	i = s ? s->cap : 0;
	s = grown;
found:
	atomic_store(&s->path[i], xstrdup(path));
	pthread_mutex_unlock(&tmp_lock);
}

static void tmp_unregister(const char *path)
{
	struct tmp_slots *s;
	size_t i;

	pthread_mutex_lock(&tmp_lock);
	s = atomic_load(&tmp_registry);
	for (i = 0; s && i < s->cap; i++) {
		const char *p = atomic_load(&s->path[i]);
		if (p && !strcmp(p, path)) {
			atomic_store(&s->path[i], NULL);
			KC_GROW(tmp_retired, tmp_retired_alloc, tmp_nretired + 1);
			tmp_retired[tmp_nretired++] = (char *)p;
			break;
		}
	}
	pthread_mutex_unlock(&tmp_lock);
}

/* A link in /proc (reached as /dev/stdout, /dev/fd/N, /proc/self/fd/N). */
static bool in_proc(const char *link)
{
	const char *slash = strrchr(link, '/');
	char *dir = slash ? xstrndup(link, (size_t)(slash - link) + (slash == link)) : xstrdup(".");
	char *abs = realpath(dir, NULL);
	bool yes = abs && (!strcmp(abs, "/proc") || !strncmp(abs, "/proc/", 6));

	free(abs);
	free(dir);
	return yes;
}

/*
 * path with its symbolic links followed to the file they name (which need
 * not exist yet: a dangling link is written through, as the shell's > does).
 * *magic: the chain went through /proc (/dev/stdout, /dev/fd/N), whose
 * links name open files, not paths: such a target is written in place.
 */
static int resolve_links(char **out, const char *path, bool *magic)
{
	char *cur = xstrdup(path);
	int hops;

	*magic = false;
	for (hops = 0; hops < 40; hops++) {
		struct stat st;
		char buf[PATH_MAX];
		ssize_t n;
		const char *slash;
		if (lstat(cur, &st) < 0 || !S_ISLNK(st.st_mode)) {
			*out = cur;
			return 0;
		}
		if (in_proc(cur)) {
			*magic = true;
			*out = cur;
			return 0;
		}
		if ((n = readlink(cur, buf, sizeof(buf) - 1)) < 0) {
			free(cur);
			return err_set("%s: cannot read the link: %s", path, strerror(errno));
		}
		buf[n] = '\0';
		slash = strrchr(cur, '/');
		if (buf[0] == '/' || !slash) {
			free(cur);
			cur = xstrdup(buf);
		} else {
			char *next = xstrfmt("%.*s/%s", (int)(slash - cur), cur, buf);
			free(cur);
			cur = next;
		}
	}
	free(cur);
	return err_set("%s: too many levels of symbolic links", path);
}

int outfile_open(struct outfile *o, const char *path)
{
	struct stat st;
	char *tmp;
	int fd;
	bool exists, magic;
	mode_t mask;

	memset(o, 0, sizeof(*o));
	if (!*path)
		return err_set("an output path is empty");
	o->path = xstrdup(path);
	if (resolve_links(&o->real, path, &magic) < 0)
		return -1;
	exists = !stat(o->real, &st);
	if (exists && (magic || !S_ISREG(st.st_mode))) {
		if (S_ISDIR(st.st_mode))
			return err_set("%s: is a directory", path);
		/* A device, pipe or socket: written in place. */
		o->fp = fopen(o->real, "w");
		if (!o->fp)
			return err_set("%s: cannot write: %s", path, strerror(errno));
		return 0;
	}
	tmp = xstrfmt("%s.tmp-XXXXXX", o->real);
	fd = mkstemp(tmp);
	if (fd < 0) {
		int e = errno;
		free(tmp);
		return err_set("%s: cannot write: %s", path, strerror(e));
	}
	o->tmp = tmp;
	tmp_register(tmp);
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
	errno = 0;
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
		if (rename(o->tmp, o->real))
			return err_set("%s: cannot rename into place: %s", o->path, strerror(errno));
		tmp_unregister(o->tmp);
		free(o->tmp);
		o->tmp = NULL;
	}
	return 0;
}

void outfile_abort(struct outfile *o)
{
	if (o->fp)
		fclose(o->fp);
	if (o->tmp) {
		unlink(o->tmp);
		tmp_unregister(o->tmp);
	}
	free(o->tmp);
	free(o->real);
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

int outset_close_last(struct outset *s)
{
	return outfile_close(&s->files[s->n - 1]);
}

/* One directory: made (and remembered), or already there as a directory. */
static int mkdir_one(struct outset *s, const char *dir, const char *part)
{
	struct stat st;

	if (!mkdir(part, 0777)) {
		KC_GROW(s->dirs, s->dirs_alloc, s->ndirs + 1);
		s->dirs[s->ndirs++] = xstrdup(part);
		return 0;
	}
	/* EEXIST, or EACCES/EROFS on a parent that exists: stat says which. */
	if (!stat(part, &st))
		return S_ISDIR(st.st_mode) ? 0 :
			err_set("%s: '%s' exists and is not a directory", dir, part);
	if (!strcmp(dir, part))
		return err_set("%s: cannot create directory: %s", dir, strerror(errno));
	return err_set("%s: cannot create directory '%s': %s", dir, part, strerror(errno));
}

int outset_mkdir(struct outset *s, const char *dir)
{
	char *part = xstrdup(dir);
	size_t len = strlen(part), i;
	int ret = 0;

	/* Each prefix that ends before a '/', then the whole path ("a//b/" too). */
	for (i = 1; i <= len && !ret; i++) {
		if (part[i] != '/' && part[i] != '\0')
			continue;
		if (part[i - 1] == '/')
			continue;
		part[i] = '\0';
		ret = mkdir_one(s, dir, part);
		if (i < len)
			part[i] = '/';
	}
	free(part);
	return ret;
}

static void release(struct outset *s, bool remove)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		outfile_abort(&s->files[i]);
	/* Innermost first; a directory something else wrote into stays. */
	for (i = s->ndirs; i-- > 0;) {
		if (remove)
			rmdir(s->dirs[i]);
		free(s->dirs[i]);
	}
	free(s->files);
	free(s->dirs);
	outset_init(s);
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
	release(s, false);
	return 0;
fail:
	outset_abort(s);
	return -1;
}

void outset_abort(struct outset *s)
{
	release(s, true);
}

void claims_init(struct claims *c)
{
	memset(c, 0, sizeof(*c));
}

void claims_release(struct claims *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		free(c->v[i].what);
	free(c->v);
	claims_init(c);
}

void claims_add(struct claims *c, const char *what, const char *path, bool output)
{
	KC_GROW(c->v, c->alloc, c->n + 1);
	c->v[c->n].what = xstrdup(what);
	c->v[c->n].path = path;
	c->v[c->n].output = output;
	c->n++;
}

/* What makes two claims the same file: "d:i" of a regular file, or "p:<resolved path>". */
struct identity {
	bool comparable;
	char *key;
};

static void identify(struct identity *id, const char *path, bool output)
{
	struct stat st;
	char *real = NULL, *dir, *abs;
	const char *slash;
	bool magic;

	id->comparable = false;
	id->key = NULL;
	if (!strcmp(path, "-") || !*path)
		return;
	if (!stat(path, &st)) {
		if (!S_ISREG(st.st_mode))
			return;
		id->comparable = true;
		id->key = xstrfmt("d:%llu:%llu", (unsigned long long)st.st_dev,
					 (unsigned long long)st.st_ino);
		return;
	}
	/*
	 * Not there yet: an output is the same name in the same (resolved)
	 * directory; an input that does not exist is no file (REV:PATH, a
	 * preset name).
	 */
	if (!output)
		return;
	if (resolve_links(&real, path, &magic) < 0) {
		err_clear();
		return;
	}
	slash = strrchr(real, '/');
	dir = slash ? xstrndup(real, (size_t)(slash - real) + (slash == real)) : xstrdup(".");
	abs = realpath(dir, NULL);
	id->comparable = true;
	id->key = xstrfmt("p:%s/%s", abs ? abs : dir, slash ? slash + 1 : real);
	free(abs);
	free(dir);
	free(real);
}

/* Two documents glued together on standard output are neither: refuse. */
static int one_stdout(const struct claims *c)
{
	size_t i, first = c->n;

	for (i = 0; i < c->n; i++) {
		if (!c->v[i].output || strcmp(c->v[i].path, "-"))
			continue;
		if (first < c->n)
			return err_set("%s - and %s -: both write to standard output; send one to a file",
				       c->v[first].what, c->v[i].what);
		first = i;
	}
	return 0;
}

int claims_check(const struct claims *c)
{
	struct identity *ids = xcalloc(c->n ? c->n : 1, sizeof(*ids));
	size_t i, j;
	int ret = one_stdout(c);

	for (i = 0; i < c->n && !ret; i++) {
		if (c->v[i].output && !*c->v[i].path) {
			ret = err_set("%s: the path is empty", c->v[i].what);
			goto done;
		}
		identify(&ids[i], c->v[i].path, c->v[i].output);
	}
	/* Inputs first in the message: "--csv 's.yaml' is the input SPEC". */
	for (i = 0; i < c->n && !ret; i++) {
		if (!c->v[i].output || !ids[i].comparable)
			continue;
		for (j = 0; j < c->n; j++) {
			if (j == i || !ids[j].comparable || strcmp(ids[i].key, ids[j].key))
				continue;
			if (!c->v[j].output) {
				ret = err_set("%s '%s' is the same file as the input %s '%s'",
					      c->v[i].what, c->v[i].path, c->v[j].what, c->v[j].path);
				break;
			}
			if (j < i) {
				ret = err_set("%s '%s' and %s '%s' are the same file",
					      c->v[j].what, c->v[j].path, c->v[i].what, c->v[i].path);
				break;
			}
		}
	}
done:
	for (i = 0; i < c->n; i++)
		free(ids[i].key);
	free(ids);
	return ret;
}
