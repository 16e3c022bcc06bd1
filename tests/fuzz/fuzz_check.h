#pragma once

#include <cstdio>
#include <cstdlib>

// A property of a fuzz target. It holds in every build (no NDEBUG escape): a broken property
// prints where and aborts, which libFuzzer reports as a crash (saving the input) and which fails
// the corpus replay test under ctest.
#define FUZZ_CHECK(cond)                                                                 \
  do {                                                                                   \
    if (!(cond)) {                                                                       \
      std::fprintf(stderr, "%s:%d: FUZZ_CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      std::fflush(stderr);                                                               \
      std::abort();                                                                      \
    }                                                                                    \
  } while (0)
