#include <criterion/criterion.h>
#include "ref.h"
Test(domain, placeholder) {}
