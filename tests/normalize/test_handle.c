#include <criterion/criterion.h>
#include "ref.h"
Test(handle, placeholder) {}
