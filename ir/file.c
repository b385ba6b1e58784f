/* file.c - opening input files without blocking on what is not a regular file. */
#include <errno.h>
#include <stdlib.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "file.h"

static char **inputs;
static int ninputs, cap;

static void note_input(const char *path)
{
    int i;
    size_t n = strlen(path) + 1;
    char *copy;
    while (path[0] == '.' && path[1] == '/' && path[2]) {  /* "./x" (a model in the current folder's external data) is "x" */
        path += 2;
        n -= 2;
    }
    for (i = 0; i < ninputs; i++)
        if (!strcmp(inputs[i], path)) return;
    if (ninputs == cap) {
        char **a = realloc(inputs, sizeof *a * (size_t)(cap ? 2 * cap : 16));
        if (!a) return; /* the list is for the depfile only; nothing else depends on it */
        inputs = a;
        cap = cap ? 2 * cap : 16;
    }
    copy = malloc(n);
    if (!copy) return;
    memcpy(copy, path, n);
    inputs[ninputs++] = copy;
}

static const char why_dir[] = "is a directory, not a file";
static const char why_special[] = "not a regular file";

int ec_why_is_file_kind(const char *why)
{
    return why == why_dir || why == why_special;
}

int ec_input_file_count(void) { return ninputs; }
const char *ec_input_file(int i) { return i >= 0 && i < ninputs ? inputs[i] : NULL; }

FILE *ec_fopen_regular(const char *path, const char **why)
{
    struct stat st;
    FILE *f;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY);
    int fl;
    if (fd < 0) {
        *why = strerror(errno);
        return NULL;
    }
    if (fstat(fd, &st) != 0) {
        *why = strerror(errno);
        close(fd);
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        *why = S_ISDIR(st.st_mode) ? why_dir : why_special;
        close(fd);
        return NULL;
    }
    fl = fcntl(fd, F_GETFL);
    if (fl != -1) (void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    f = fdopen(fd, "rb");
    if (!f) {
        *why = strerror(errno);
        close(fd);
        return NULL;
    }
    note_input(path);
    return f;
}
