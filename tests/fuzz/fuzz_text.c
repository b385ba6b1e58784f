/* fuzz_text.c - libFuzzer harness for the ONNX text frontend and the printer
 * (not part of make test):
 *
 *     make fuzz-text FUZZ_SECONDS=300
 *
 * Each input is parsed; a failure must be a diagnostic (caught here with
 * ec_diag_catch), never a crash or a sanitizer report. When it parses, the
 * printed IR must parse again and print the same text (the fixed point that
 * tests/text/run.py checks on the conformance models). */
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ir.h"
#include "text_frontend.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static jmp_buf jb;
    char *a, *b;
    size_t na, nb;
    ec_diag_quiet(true);
    ec_diag_catch(&jb);
    if (setjmp(jb) != 0) {
        ec_free_all();
        return 0;
    }
    a = ec_print_ir(ec_parse_onnx_text("fuzz.onnxtxt", (const char *)data, size), &na);
    if (setjmp(jb) != 0) {
        fprintf(stderr, "printed text does not parse: %s\n--- text\n%s\n", ec_diag_last(), a);
        abort();
    }
    b = ec_print_ir(ec_parse_onnx_text("printed.onnxtxt", a, na), &nb);
    if (na != nb || memcmp(a, b, na) != 0) {
        fprintf(stderr, "print -> parse -> print differs\n--- first\n%s\n--- second\n%s\n", a, b);
        abort();
    }
    ec_free_all();
    return 0;
}
