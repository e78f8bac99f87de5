// Debian's libxml2 (libxml2-dev), for the C wrapper CHTMLExtract only.
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
