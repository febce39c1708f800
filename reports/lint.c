/*
 * lint.c (reports) - lint findings as text (compiler style, one line and a
 * fix each), JSON (schema "kfpcache/lint/v1") and SARIF 2.1.0, so code
 * review systems show them on the spec's lines.  Renderers only: the
 * findings come from analyzer/lint.c.
 */
#include "reports/report.h"

#include <stdio.h>
#include <string.h>

#include "base/banned.h"

/* A JSON string: quotes, backslash and control characters escaped. */
static void jstr(FILE *fp, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");

	fputc('"', fp);
	for (; *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", fp); break;
		case '\\': fputs("\\\\", fp); break;
		case '\n': fputs("\\n", fp); break;
		case '\r': fputs("\\r", fp); break;
		case '\t': fputs("\\t", fp); break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(fp, "\\u%04x", *p);
			else
				fputc(*p, fp);
		}
	}
	fputc('"', fp);
}

/* The file part of a spec name: "REV:PATH" -> "PATH". */
static const char *spec_file(const struct lint_result *r)
{
	const char *colon = strchr(r->spec, ':'), *slash = strchr(r->spec, '/');

	if (colon && (!slash || colon < slash))
		return colon + 1;
	return r->spec;
}

int report_lint_text(FILE *fp, const struct lint_result *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		const struct finding *f = &r->findings[i];
		if (f->line)
			fprintf(fp, "%s:%u:%u: ", term_text(r->spec), f->line, f->col);
		else
			fprintf(fp, "%s: ", term_text(r->spec));
		/* Text for a person: names from the spec are escaped (util.h). */
		fprintf(fp, "%s %s %s%s%s\n", severity_name(f->severity), f->rule,
			*f->task ? term_text(f->task) : "pipeline", ": ", term_text(f->message));
		fprintf(fp, "    fix: %s\n", term_text(f->fix));
	}
	fprintf(fp, "%s: %zu %s (%zu %s, %zu %s, %zu %s)%s\n", term_text(r->spec), r->n,
		plural(r->n, "finding", "findings"), r->counts[SEVERITY_ERROR],
		plural(r->counts[SEVERITY_ERROR], "error", "errors"), r->counts[SEVERITY_WARNING],
		plural(r->counts[SEVERITY_WARNING], "warning", "warnings"), r->counts[SEVERITY_NOTE],
		plural(r->counts[SEVERITY_NOTE], "note", "notes"),
		r->compared ? "" : "; no previous version: KC004 and KC010 not checked");
	return ferror(fp) ? err_set("write error") : 0;
}

int report_lint_json(FILE *fp, const struct lint_result *r)
{
	size_t i;

	fputs("{\n  \"schema\": \"kfpcache/lint/v1\",\n  \"spec\": ", fp);
	jstr(fp, r->spec);
	fputs(",\n  \"pipeline\": ", fp);
	jstr(fp, r->pipeline);
	fprintf(fp, ",\n  \"compared\": %s,\n  \"counts\": {\"error\": %zu, \"warning\": %zu, \"note\": %zu},\n",
		r->compared ? "true" : "false", r->counts[SEVERITY_ERROR],
		r->counts[SEVERITY_WARNING], r->counts[SEVERITY_NOTE]);
	fputs("  \"findings\": [", fp);
	for (i = 0; i < r->n; i++) {
		const struct finding *f = &r->findings[i];
		fputs(i ? ",\n    {" : "\n    {", fp);
		fputs("\"rule\": ", fp);
		jstr(fp, f->rule);
		fputs(", \"name\": ", fp);
		jstr(fp, f->name);
		fputs(", \"severity\": ", fp);
		jstr(fp, severity_name(f->severity));
		fputs(", \"task\": ", fp);
		jstr(fp, f->task);
		fprintf(fp, ", \"line\": %u, \"column\": %u, \"message\": ", f->line, f->col);
		jstr(fp, f->message);
		fputs(", \"fix\": ", fp);
		jstr(fp, f->fix);
		fputc('}', fp);
	}
	fputs(r->n ? "\n  ]\n}\n" : "]\n}\n", fp);
	return ferror(fp) ? err_set("write error") : 0;
}

/*
 * The spec as a URI: a relative reference for a relative path (what code
 * review systems match against the repository), file:// for an absolute
 * one; unreserved characters and '/' kept, the rest %XX.
 */
static void juri(FILE *fp, const char *path)
{
	const unsigned char *p = (const unsigned char *)path;

	fputc('"', fp);
	if (*p == '/')
		fputs("file://", fp);
	for (; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~/", *p))
			fputc(*p, fp);
		else
			fprintf(fp, "%%%02X", *p);
	}
	fputc('"', fp);
}

static const char *level(enum severity s)
{
	return s == SEVERITY_ERROR ? "error" : s == SEVERITY_NOTE ? "note" : "warning";
}

static void sarif_rule(FILE *fp, bool first, const char *id, const char *name,
		       const char *summary, const char *fix, enum severity s)
{
	fputs(first ? "\n            {" : ",\n            {", fp);
	fputs("\"id\": ", fp);
	jstr(fp, id);
	fputs(", \"name\": ", fp);
	jstr(fp, name);
	fputs(", \"shortDescription\": {\"text\": ", fp);
	jstr(fp, summary);
	fputs("}, \"help\": {\"text\": ", fp);
	jstr(fp, fix);
	fprintf(fp, "}, \"defaultConfiguration\": {\"level\": \"%s\"}}", level(s));
}

/* One finding as a SARIF result: rule, level, message with the fix, where in the spec. */
static void sarif_result(FILE *fp, const struct lint_result *r, const struct finding *f, bool first)
{
	struct strbuf sb = STRBUF_INIT;

	fputs(first ? "\n        {" : ",\n        {", fp);
	fputs("\"ruleId\": ", fp);
	jstr(fp, f->rule);
	fprintf(fp, ", \"level\": \"%s\", \"message\": {\"text\": ", level(f->severity));
	sb_addf(&sb, "%s%s%s Fix: %s", *f->task ? f->task : "", *f->task ? ": " : "",
		f->message, f->fix);
	jstr(fp, sb_str(&sb));
	sb_release(&sb);
	fputs("}, \"locations\": [{\"physicalLocation\": {\"artifactLocation\": {\"uri\": ", fp);
	juri(fp, spec_file(r));
	fputc('}', fp);
	if (f->line)
		fprintf(fp, ", \"region\": {\"startLine\": %u, \"startColumn\": %u}",
			f->line, f->col ? f->col : 1);
	fputc('}', fp);
	if (*f->task) {
		fputs(", \"logicalLocations\": [{\"fullyQualifiedName\": ", fp);
		jstr(fp, f->task);
		fputs("}]", fp);
	}
	fputs("}]}", fp);
}

int report_lint_sarif(FILE *fp, const struct lint_result *r, const char *tool_version)
{
	size_t i, k;
	bool first = true;

	fputs("{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n"
	      "  \"version\": \"2.1.0\",\n  \"runs\": [\n    {\n"
	      "      \"tool\": {\n        \"driver\": {\n          \"name\": \"kfpcache\",\n", fp);
	if (tool_version) {
		fputs("          \"semanticVersion\": ", fp);
		jstr(fp, tool_version);
		fputs(",\n", fp);
	}
	fputs("          \"rules\": [", fp);
	for (i = 0; i < lint_nrules; i++) {
		const struct lint_rule *lr = &lint_rules[i];
		sarif_rule(fp, first, lr->id, lr->name, lr->summary, lr->fix, lr->severity);
		first = false;
	}
	/* Policy rules that raised findings, once each. */
	for (i = 0; i < r->n; i++) {
		const struct finding *f = &r->findings[i];
		bool seen = false;
		if (!f->policy_rule)
			continue;
		for (k = 0; k < i; k++)
			seen = seen || r->findings[k].policy_rule == f->policy_rule;
		if (!seen)
			sarif_rule(fp, false, f->rule, "policy",
				   f->policy_rule->why ? f->policy_rule->why : f->message, f->fix,
				   f->policy_rule->severity);
	}
	fputs("\n          ]\n        }\n      },\n      \"results\": [", fp);
	for (i = 0; i < r->n; i++)
		sarif_result(fp, r, &r->findings[i], i == 0);
	fputs(r->n ? "\n      ]\n    }\n  ]\n}\n" : "]\n    }\n  ]\n}\n", fp);
	return ferror(fp) ? err_set("write error") : 0;
}
