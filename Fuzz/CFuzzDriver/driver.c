// Only the header matters (LLVMFuzzerRunDriver is defined by libFuzzer); SwiftPM wants a source file.
#include "CFuzzDriver.h"
