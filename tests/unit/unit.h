/* unit.h - common includes for the cmocka unit tests. */
#ifndef EC_UNIT_H
#define EC_UNIT_H
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#endif
