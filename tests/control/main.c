/* main.c - runs tests/golden/control.onnxtxt (If on a run-time condition and
 * a Loop) with the condition true, false, true again, and a non-zero byte
 * other than 1, against numpy's values (expected.h, make_expected.py). */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "control.h"
#include "expected.h"

static unsigned char arena[CONTROL_ARENA_BYTES] __attribute__((aligned(64)));

static int check(const char *what, const float *got, const float *want, int n)
{
    int i, bad = 0;
    for (i = 0; i < n; i++)
        if (!(fabsf(got[i] - want[i]) <= 1e-6f)) {
            printf("%s[%d] = %g, expected %g\n", what, i, got[i], want[i]);
            bad = 1;
        }
    return bad;
}

static int run(unsigned char cbyte)
{
    bool c;
    float y[4], acc[4], steps[12];
    int bad = 0, then = cbyte != 0;
    memcpy(&c, &cbyte, 1);
    memset(arena, 0xA5, sizeof arena); /* the code must not read what it did not write */
    memset(y, 0x7F, sizeof y);
    memset(acc, 0x7F, sizeof acc);
    memset(steps, 0x7F, sizeof steps);
    if (control_run(arena, input_x, &c, y, acc, steps) != 0) return 1;
    bad |= check("y", y, then ? want_y_then : want_y_else, 4);
    bad |= check("acc", acc, then ? want_acc_then : want_acc_else, 4);
    bad |= check("steps", steps, then ? want_steps_then : want_steps_else, 12);
    printf("c = %d: %s\n", cbyte, bad ? "WRONG" : "ok");
    return bad;
}

int main(void)
{
    int bad = 0;
    bad |= run(1);
    bad |= run(0);
    bad |= run(1);
    bad |= run(2); /* any non-zero byte is true */
    return bad;
}
