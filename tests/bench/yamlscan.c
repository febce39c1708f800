/*
 * yamlscan.c - the parsing floor for the benchmarks: a bare libyaml event
 * scan, counting events.  `yamlscan FILE...` scans files; `yamlscan --batch`
 * scans the blobs of a `git cat-file --batch` stream on stdin.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

static size_t scan(const unsigned char *buf, size_t len)
{
	yaml_parser_t p;
	yaml_event_t ev;
	size_t n = 0;
	int done = 0;

	yaml_parser_initialize(&p);
	yaml_parser_set_input_string(&p, buf, len);
	while (!done) {
		if (!yaml_parser_parse(&p, &ev)) {
			fprintf(stderr, "yamlscan: parse error\n");
			exit(1);
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
		n++;
	}
	yaml_parser_delete(&p);
	return n;
}

static unsigned char *slurp(FILE *f, size_t len)
{
	unsigned char *b = malloc(len + 1);

	if (!b || fread(b, 1, len, f) != len) {
		fprintf(stderr, "yamlscan: short read\n");
		exit(1);
	}
	return b;
}

int main(int argc, char **argv)
{
	size_t events = 0;
	int i;

	if (argc == 2 && !strcmp(argv[1], "--batch")) {
		char line[256], oid[128], type[32];
		unsigned long size;
		while (fgets(line, sizeof(line), stdin)) {
			unsigned char *b;
			if (sscanf(line, "%127s %31s %lu", oid, type, &size) != 3)
				continue;
			b = slurp(stdin, size + 1);
			events += scan(b, size);
			free(b);
		}
	} else {
		for (i = 1; i < argc; i++) {
			FILE *f = fopen(argv[i], "rb");
			long len;
			unsigned char *b;
			if (!f || fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
				perror(argv[i]);
				return 1;
			}
			b = slurp(f, (size_t)len);
			fclose(f);
			events += scan(b, (size_t)len);
			free(b);
		}
	}
	printf("%zu events\n", events);
	return 0;
}
