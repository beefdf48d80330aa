#include <criterion/criterion.h>
#include "ref.h"
Test(detect, placeholder) {}
