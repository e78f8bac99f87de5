// A thin wrapper over Debian's libxml2 HTML parser for the crawler. It is
// C because libxml2's headers pull in the system's ICU, which clashes with
// the ICU Foundation carries: Swift sees only html_extract.h.
#include "html_extract.h"

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct {
    char *data;
    size_t length;
    size_t capacity;
    size_t limit;
} buffer;

static void buffer_append(buffer *b, const char *text, size_t length) {
    if (b->length >= b->limit || length == 0) return;
    if (b->length + length > b->limit) length = b->limit - b->length;
    if (b->length + length + 2 > b->capacity) {
        size_t capacity = b->capacity ? b->capacity : 4096;
        while (b->length + length + 2 > capacity) capacity *= 2;
        char *grown = realloc(b->data, capacity);
        if (!grown) return;
        b->data = grown;
        b->capacity = capacity;
    }
    memcpy(b->data + b->length, text, length);
    b->length += length;
    b->data[b->length] = '\0';
}

static char *copy(const xmlChar *text) {
    if (!text) return NULL;
    return strdup((const char *)text);
}

/// An attribute's value (allocated), or NULL.
static char *attribute(xmlNodePtr node, const char *name) {
    for (xmlAttrPtr a = node->properties; a; a = a->next) {
        if (a->name && strcasecmp((const char *)a->name, name) == 0) {
            xmlChar *value = xmlNodeListGetString(node->doc, a->children, 1);
            char *result = copy(value);
            if (value) xmlFree(value);
            return result ? result : strdup("");
        }
    }
    return NULL;
}

static int is_hidden(const char *name) {
    static const char *hidden[] = {"script", "style", "noscript", "template", "head", "svg", "math", "object", "iframe", NULL};
    for (int i = 0; hidden[i]; i++) if (strcasecmp(name, hidden[i]) == 0) return 1;
    return 0;
}

typedef struct {
    xmlNodePtr node;
    int hidden;
} frame;

static pthread_once_t initialised = PTHREAD_ONCE_INIT;
static void initialise(void) { xmlInitParser(); }

int pantau_html_extract(const char *data, size_t size, const char *url, size_t max_text, size_t max_links, pantau_html_page *page) {
    memset(page, 0, sizeof(*page));
    if (!data || size == 0 || size > 0x7fffffff) return -1;
    // libxml2 asks for one initialisation before it is used from several threads.
    pthread_once(&initialised, initialise);
    // HUGE lifts the depth limit of 256: past it libxml2 keeps a partial tree,
    // and a page nesting 300 <b> would hide its text from the watchlists.
    int options = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET | HTML_PARSE_NOIMPLIED | XML_PARSE_HUGE;
    htmlDocPtr document = htmlReadMemory(data, (int)size, url, NULL, options);
    if (!document) return -1;

    buffer text = {NULL, 0, 0, max_text};
    size_t link_capacity = 0;
    size_t stack_capacity = 256, depth = 0;
    frame *stack = malloc(stack_capacity * sizeof(frame));
    if (!stack) { xmlFreeDoc(document); return -1; }
    // Children are pushed last first, so the walk reads the document in order.
    for (xmlNodePtr child = document->last; child; child = child->prev) {
        if (depth == stack_capacity) {
            size_t capacity = stack_capacity * 2;
            frame *grown = realloc(stack, capacity * sizeof(frame));
            if (!grown) break;
            stack = grown;
            stack_capacity = capacity;
        }
        stack[depth++] = (frame){child, 0};
    }
    while (depth > 0) {
        frame current = stack[--depth];
        xmlNodePtr node = current.node;
        int hidden = current.hidden;
        if (node->type == XML_ELEMENT_NODE && node->name) {
            const char *name = (const char *)node->name;
            if (!page->title && strcasecmp(name, "title") == 0) {
                xmlChar *content = xmlNodeGetContent(node);
                page->title = copy(content);
                if (content) xmlFree(content);
            } else if (!page->base && strcasecmp(name, "base") == 0) {
                page->base = attribute(node, "href");
            } else if ((strcasecmp(name, "a") == 0 || strcasecmp(name, "area") == 0) && page->link_count < max_links) {
                char *href = attribute(node, "href");
                if (href) {
                    if (page->link_count == link_capacity) {
                        size_t capacity = link_capacity ? link_capacity * 2 : 32;
                        char **grown = realloc(page->links, capacity * sizeof(char *));
                        if (!grown) { free(href); continue; }
                        page->links = grown;
                        link_capacity = capacity;
                    }
                    page->links[page->link_count++] = href;
                }
            } else if (!page->refresh && strcasecmp(name, "meta") == 0) {
                char *equiv = attribute(node, "http-equiv");
                if (equiv && strcasecmp(equiv, "refresh") == 0) page->refresh = attribute(node, "content");
                free(equiv);
            }
            int hide = hidden || is_hidden(name);
            for (xmlNodePtr child = node->last; child; child = child->prev) {
                if (depth == stack_capacity) {
                    size_t capacity = stack_capacity * 2;
                    frame *grown = realloc(stack, capacity * sizeof(frame));
                    if (!grown) break;
                    stack = grown;
                    stack_capacity = capacity;
                }
                stack[depth++] = (frame){child, hide};
            }
        } else if ((node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE) && !hidden && node->content) {
            size_t length = strlen((const char *)node->content);
            if (length > 0) {
                if (text.length > 0) buffer_append(&text, " ", 1);
                buffer_append(&text, (const char *)node->content, length);
            }
        }
    }
    free(stack);
    xmlFreeDoc(document);
    page->text = text.data ? text.data : strdup("");
    return 0;
}

void pantau_html_free(pantau_html_page *page) {
    if (!page) return;
    free(page->title);
    free(page->text);
    for (size_t i = 0; i < page->link_count; i++) free(page->links[i]);
    free(page->links);
    free(page->base);
    free(page->refresh);
    memset(page, 0, sizeof(*page));
}
