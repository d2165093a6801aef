/* Test-only stand-in for bcryptprimitives.dll, for running the Windows build under Wine 8,
 * which lacks the DLL. Rust's std (1.78+) imports ProcessPrng from it. scripts/test-windows
 * builds this with the MinGW cross compiler and puts it beside the exe in its test folder
 * only: the shipped exe never carries it (Windows 10 / Server 2016+ have the real one).
 *
 * ProcessPrng(PBYTE, SIZE_T) fills the buffer and returns TRUE, as documented; here through
 * RtlGenRandom (advapi32!SystemFunction036), which takes a ULONG length, so in chunks. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
