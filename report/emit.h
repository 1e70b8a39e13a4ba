/* Escaping for the XML, JSON and HTML writers; inside report/ only. */
#ifndef COVTRACE_REPORT_EMIT_H
#define COVTRACE_REPORT_EMIT_H

#include <stddef.h>
#include <stdio.h>

/* Character data or an attribute value of XML or HTML: &, <, >, " and '
 * escaped; control characters that XML 1.0 forbids and bytes that are not
 * UTF-8 become U+FFFD. */
void emit_xml(FILE *out, const char *s);
void emit_xml_n(FILE *out, const char *s, size_t n);
/* A JSON string with its quotes. */
void emit_json_string(FILE *out, const char *s);
/* Markdown table cell text: the characters Markdown would read as markup
 * are backslash-escaped. */
void emit_markdown(FILE *out, const char *s);

#endif
