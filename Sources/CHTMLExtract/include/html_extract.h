#ifndef PANTAU_HTML_EXTRACT_H
#define PANTAU_HTML_EXTRACT_H

#include <stddef.h>

/// What the crawler reads from a page, as libxml2's HTML parser sees it.
/// Every string is UTF-8, allocated here, freed by pantau_html_free.
typedef struct {
    /// The first <title>'s text (NULL when none).
    char *title;
    /// The visible text: text nodes outside script, style, noscript,
    /// template, head, svg, math, object and iframe, joined by spaces.
    char *text;
    /// The href of every <a> and <area>, as written (not resolved).
    char **links;
    size_t link_count;
    /// The first <base href> (NULL when none).
    char *base;
    /// The content of the first <meta http-equiv="refresh"> (NULL when none).
    char *refresh;
} pantau_html_page;

/// Parses `size` bytes of HTML (broken markup recovered, no network, no
/// error output) and fills `page`. Keeps at most `max_text` bytes of text
/// and `max_links` links. The tree is walked without recursion, so deep
/// nesting costs memory, not the stack. Returns 0, or -1 when the
/// document could not be read at all (page left empty).
int pantau_html_extract(const char *data, size_t size, const char *url, size_t max_text, size_t max_links, pantau_html_page *page);

/// Frees what pantau_html_extract allocated.
void pantau_html_free(pantau_html_page *page);

#endif
