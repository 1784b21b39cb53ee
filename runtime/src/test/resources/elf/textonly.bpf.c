// No SEC() at all: every function lands in .text, so the object has no program.
__attribute__((noinline)) int helper_only(int x)
{
    return x + 1;
}

int not_a_program(int x)
{
    return helper_only(x);
}
