// Runs license-audit with its three pipes pumped on background threads, so a PowerShell cmdlet
// can stream pipeline objects into stdin while records come back, without the pipe deadlock a
// single-threaded read/write loop risks; NativeSession, the cleanup of one run that must still
// work in a finally block of a stopping pipeline; and the checks before the engine's first use
// (Private/Get-LicenseAuditBinaryPath.ps1): EngineProbe (the version handshake, stdin closed,
// with a timeout), EngineCheck (the SHA256SUMS entry, the real Windows version) and
// EngineDiagnosis (what a start error or a foreign exit code means). Private/EngineChannel.cs
// (compiled into the same assembly) turns pipeline objects into lines and lines into records.
//
// Plain C# 5 (no ?., no $"", no nameof, no expression-bodied members): Windows PowerShell 5.1
// compiles this with the .NET Framework compiler (csc.exe behind Add-Type), and CI compiles it
// with `mcs -langversion:5` and drives it under Mono (tests/NativeProcessHarness.cs). And no
// API that a later .NET marks obsolete: PowerShell 7's Add-Type turns every compiler warning
// into an error, so Thread.VolatileRead (SYSLIB0054 from .NET 9, i.e. PowerShell 7.5) would make
// the module fail to import. Volatile.Read exists since .NET Framework 4.5.
//
// Why it is written this way:
// - An exception on a background thread that nobody catches ends powershell.exe. The pumps take
//   the readers ONCE (Process.Dispose sets Process.StandardOutput/StandardError to null, and the
//   getters then throw), and catch everything.
// - Nothing the pipeline thread calls blocks without a bound: stdin is written by a thread of
//   its own from a bounded queue (TryWriteLine waits at most its timeout), so a cmdlet whose
//   engine stopped reading still returns to PowerShell, where Ctrl+C and StopProcessing act;
//   CloseInput only asks that thread to finish; output is taken with a timeout.
// - Back-pressure: the queue between the engine's stdout and the pipeline holds at most
//   OutputCapacity lines. When the consumer is slower than the engine, the stdout pump waits,
//   the pipe fills, and the engine blocks on its next write, as on any well-behaved pipe:
//   memory stays flat however much the engine writes.
// - A fault is part of the run's outcome, never only a message: a stdin write that fails
//   (InputBroken, with how many lines were delivered), a stdout or stderr pump that fails
//   (OutputFaulted / PumpFault: the engine is then killed, since nobody can read it any more),
//   an exit forced by Dispose (WaitForExit gives -1).
// - Dispose may come at any moment: `| Select-Object -First 10`, Ctrl+C, -ErrorAction Stop on
//   one bad record, Remove-Module. It kills the child (so nothing blocks on a full pipe), joins
//   the threads with a timeout, and only then disposes the readers and the process. Dispose
//   twice is harmless.
// - The engine must not outlive PowerShell: every running child is killed on AppDomain
//   ProcessExit (how .NET ends on SIGTERM, and a normal exit), on Windows each child is put in a
//   job object that kills it when powershell.exe ends however it ends, and the engine itself
//   exits when its parent process is gone (LICENSEAUDIT_PARENT_PID, set here; docs/contract.md).
// - stdin is written as UTF-8 without BOM by this code (never through a StreamWriter with a
//   preamble). (On .NET Framework, Process.Start itself may already have written the console
//   input code page's preamble into the pipe when that code page is UTF-8; the engine strips a
//   leading BOM from stdin for that reason. On .NET Core, StandardInputEncoding is set to UTF-8
//   without BOM through reflection.)
using System;
using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;

namespace LicenseAudit
{
    /// <summary>What TryWriteLine did with a line.</summary>
    public enum WriteOutcome
    {
        /// <summary>Queued for the engine's stdin.</summary>
        Accepted = 0,
        /// <summary>The queue stayed full for the whole timeout: the engine is not reading as fast.</summary>
        Full = 1,
        /// <summary>The engine no longer reads stdin (it exited, closed it, or was disposed).</summary>
        Broken = 2
    }

    public sealed class NativeProcess : IDisposable
    {
        private static readonly Encoding Utf8NoBom = new UTF8Encoding(false);

        /// <summary>How long Dispose waits for each pump after killing the child.</summary>
        public static int JoinTimeoutMilliseconds = 5000;

        /// <summary>Lines held between the engine's stdout and the pipeline (back-pressure beyond).</summary>
        public static int OutputCapacity = 1024;

        /// <summary>Lines held between the pipeline and the engine's stdin.</summary>
        public static int InputCapacity = 1024;

        /// <summary>Stderr lines held before the stderr pump waits for the pipeline.</summary>
        public static int ErrorCapacity = 4096;

        /// <summary>The longest output line read (characters); a longer one is a fault of the run.
        /// Read when a process is started.</summary>
        public static int MaxLineCharacters = 256 * 1024 * 1024;

        /// <summary>Bytes gathered before a write to the engine's stdin.</summary>
        private const int InputChunkBytes = 32768;

        private static readonly object LiveLock = new object();
        private static readonly List<NativeProcess> Live = new List<NativeProcess>();
        private static bool exitHooked;

        private readonly Process process;
        private readonly Stream inputStream;
        private readonly StreamReader standardOutput;
        private readonly StreamReader standardError;
        private readonly CancellationTokenSource cancel = new CancellationTokenSource();
        private readonly BlockingCollection<string> output = new BlockingCollection<string>(new ConcurrentQueue<string>(), Math.Max(1, OutputCapacity));
        private readonly BlockingCollection<string> errors = new BlockingCollection<string>(new ConcurrentQueue<string>(), Math.Max(1, ErrorCapacity));
        private readonly BlockingCollection<string> input = new BlockingCollection<string>(new ConcurrentQueue<string>(), Math.Max(1, InputCapacity));
        private readonly Thread outputPump;
        private readonly Thread errorPump;
        private readonly Thread inputPump;
        private readonly ManualResetEvent inputDone = new ManualResetEvent(false);
        private readonly int processId;
        private readonly int maxLineCharacters = MaxLineCharacters;
        private volatile bool inputBroken;
        private volatile string inputFault;
        private volatile string pumpFault;
        private volatile bool outputFaulted;
        private volatile bool inputClosed;
        private long linesAccepted;
        private long linesDelivered;
        private int disposed;

        public NativeProcess(string path, string[] arguments)
        {
            HookProcessExit();
            ProcessStartInfo info = new ProcessStartInfo(path, JoinArguments(arguments));
            info.UseShellExecute = false;
            info.CreateNoWindow = true;
            info.RedirectStandardInput = true;
            info.RedirectStandardOutput = true;
            info.RedirectStandardError = true;
            info.StandardOutputEncoding = Utf8NoBom;
            info.StandardErrorEncoding = Utf8NoBom;
            // The engine exits when this process is gone (a parent-death watch; engine 0.2.0+,
            // older engines ignore it).
            try { info.EnvironmentVariables["LICENSEAUDIT_PARENT_PID"] = CurrentProcessId().ToString(System.Globalization.CultureInfo.InvariantCulture); }
            catch (Exception) { }
            // .NET Core 2.1+ / PowerShell 7 only; .NET Framework has no such property.
            PropertyInfo inputEncoding = typeof(ProcessStartInfo).GetProperty("StandardInputEncoding");
            if (inputEncoding != null && inputEncoding.CanWrite)
            {
                inputEncoding.SetValue(info, Utf8NoBom, null);
            }
            process = Process.Start(info);
            processId = process.Id;
            WindowsJob.Assign(process);
            lock (LiveLock) { Live.Add(this); }
            // Taken once: after Process.Dispose these getters throw.
            standardOutput = process.StandardOutput;
            standardError = process.StandardError;
            inputStream = process.StandardInput.BaseStream;
            outputPump = new Thread(PumpOutput);
            outputPump.IsBackground = true;
            outputPump.Name = "license-audit stdout";
            outputPump.Start();
            errorPump = new Thread(PumpErrors);
            errorPump.IsBackground = true;
            errorPump.Name = "license-audit stderr";
            errorPump.Start();
            inputPump = new Thread(PumpInput);
            inputPump.IsBackground = true;
            inputPump.Name = "license-audit stdin";
            inputPump.Start();
        }

        public int ProcessId { get { return processId; } }

        public bool IsDisposed { get { return Volatile.Read(ref disposed) != 0; } }

        /// <summary>A pump's failure other than end of stream (null when none). The run's outcome
        /// says so (OutputFaulted); never thrown.</summary>
        public string PumpFault { get { return pumpFault; } }

        /// <summary>The stdout or stderr pump failed (an unreadable line, out of memory): records
        /// may be missing, and the engine has been killed.</summary>
        public bool OutputFaulted { get { return outputFaulted; } }

        /// <summary>The engine stopped reading stdin before its end: a write failed.</summary>
        public bool InputBroken { get { return inputBroken; } }

        /// <summary>Why the write failed (the system's message), or null.</summary>
        public string InputFault { get { return inputFault; } }

        /// <summary>Lines accepted for stdin (queued).</summary>
        public long LinesAccepted { get { return Interlocked.Read(ref linesAccepted); } }

        /// <summary>Lines whose bytes were written into the pipe: the engine could have read at
        /// most these. Lines accepted beyond them were never delivered.</summary>
        public long LinesDelivered { get { return Interlocked.Read(ref linesDelivered); } }

        /// <summary>CloseInput was called: no more lines are accepted.</summary>
        public bool InputClosed { get { return inputClosed; } }

        /// <summary>The stdin thread has finished: every accepted line delivered and the pipe
        /// closed, or the pipe broke.</summary>
        public bool InputDone { get { return inputDone.WaitOne(0); } }

        public bool HasExited
        {
            get
            {
                try { return process.HasExited; }
                catch (Exception) { return true; }
            }
        }

        /// <summary>Queues a line for stdin, waiting at most <paramref name="millisecondsTimeout"/>
        /// for room. Never blocks longer: the caller can drain output and let PowerShell act on a
        /// stop request in between.</summary>
        public WriteOutcome TryWriteLine(string line, int millisecondsTimeout)
        {
            if (inputBroken || IsDisposed || inputClosed) { return WriteOutcome.Broken; }
            try
            {
                if (input.TryAdd(line, Math.Max(0, millisecondsTimeout), cancel.Token))
                {
                    Interlocked.Increment(ref linesAccepted);
                    return WriteOutcome.Accepted;
                }
                return inputBroken ? WriteOutcome.Broken : WriteOutcome.Full;
            }
            catch (Exception) { return WriteOutcome.Broken; }
        }

        /// <summary>Queues a line, waiting as long as the engine lives and reads. False once the
        /// binary has stopped reading (it exited, usually on an error that stderr explains), or
        /// after Dispose. For callers that do not drain output meanwhile (the pipeline uses
        /// TryWriteLine).</summary>
        public bool WriteLine(string line)
        {
            while (true)
            {
                WriteOutcome outcome = TryWriteLine(line, 100);
                if (outcome == WriteOutcome.Accepted) { return true; }
                if (outcome == WriteOutcome.Broken) { return false; }
            }
        }

        /// <summary>For --password-stdin: queued first, written at once, never logged.</summary>
        public bool WriteSecret(string secret)
        {
            return WriteLine(secret);
        }

        /// <summary>No more lines: the stdin thread writes what is queued, then closes the pipe.
        /// Returns at once.</summary>
        public void CloseInput()
        {
            if (IsDisposed || inputClosed) { return; }
            inputClosed = true;
            try { input.CompleteAdding(); } catch (Exception) { }
        }

        public bool TryTakeOutput(out string line, int millisecondsTimeout)
        {
            try { return output.TryTake(out line, Math.Max(0, millisecondsTimeout), cancel.Token); }
            catch (Exception) { line = null; return false; }
        }

        public bool OutputCompleted { get { return output.IsCompleted; } }

        public int PendingOutput { get { try { return output.Count; } catch (Exception) { return 0; } } }

        public int PendingErrors { get { try { return errors.Count; } catch (Exception) { return 0; } } }

        public bool TryTakeError(out string line)
        {
            try { return errors.TryTake(out line); }
            catch (Exception) { line = null; return false; }
        }

        /// <summary>Waits for the child and the pumps; the exit code, or -1 after Dispose.</summary>
        public int WaitForExit()
        {
            if (IsDisposed) { return -1; }
            try
            {
                process.WaitForExit();
                outputPump.Join();
                errorPump.Join();
                if (IsDisposed) { return -1; }
                return process.ExitCode;
            }
            catch (Exception) { return -1; }
        }

        /// <summary>Waits at most <paramref name="millisecondsTimeout"/> for the child and its
        /// stdout/stderr pumps; true with the exit code (-1 after Dispose) when they ended. A pipe
        /// still held open by a process the child left behind is not waited for longer than
        /// JoinTimeoutMilliseconds after the child exited (OutputAbandoned).</summary>
        public bool TryWaitForExit(int millisecondsTimeout, out int exitCode)
        {
            exitCode = -1;
            if (IsDisposed) { return true; }
            try
            {
                Stopwatch clock = Stopwatch.StartNew();
                if (!process.WaitForExit(Math.Max(0, millisecondsTimeout))) { return false; }
                NoteExit();
                int left = (int)Math.Max(0, millisecondsTimeout - clock.ElapsedMilliseconds);
                bool joined = outputPump.Join(left);
                left = (int)Math.Max(0, millisecondsTimeout - clock.ElapsedMilliseconds);
                joined = errorPump.Join(left) && joined;
                if (!joined && !OutputAbandoned) { return false; }
                exitCode = IsDisposed ? -1 : process.ExitCode;
                return true;
            }
            catch (Exception) { return true; }
        }

        private Stopwatch exitedFor;

        private void NoteExit()
        {
            if (exitedFor == null) { exitedFor = Stopwatch.StartNew(); }
        }

        /// <summary>The child exited JoinTimeoutMilliseconds ago or more, yet its stdout or stderr is
        /// still open (held by a process it started): what comes later is not waited for.</summary>
        public bool OutputAbandoned
        {
            get
            {
                if (exitedFor == null)
                {
                    if (!HasExited) { return false; }
                    NoteExit();
                }
                return exitedFor.ElapsedMilliseconds >= JoinTimeoutMilliseconds;
            }
        }

        private static readonly MethodInfo KillTree = typeof(Process).GetMethod("Kill", new Type[] { typeof(bool) });

        /// <summary>Kills the child, and on .NET Core the processes it started (Process.Kill(true):
        /// they could hold its pipes open), if it still runs. Never throws.</summary>
        public void Kill()
        {
            try
            {
                if (process.HasExited) { return; }
                if (KillTree != null) { KillTree.Invoke(process, new object[] { true }); }
                else { process.Kill(); }
            }
            catch (Exception)
            {
                try { process.Kill(); } catch (Exception) { }
            }
        }

        /// <summary>Kill, join the threads (bounded), then dispose. Safe to call twice, from any
        /// state, while records are still being written.</summary>
        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) != 0) { return; }
            lock (LiveLock) { Live.Remove(this); }
            Kill();
            try { cancel.Cancel(); } catch (Exception) { }
            bool outputJoined = false;
            bool errorJoined = false;
            try { outputJoined = outputPump.Join(JoinTimeoutMilliseconds); } catch (Exception) { }
            try { errorJoined = errorPump.Join(JoinTimeoutMilliseconds); } catch (Exception) { }
            try { inputPump.Join(JoinTimeoutMilliseconds); } catch (Exception) { }
            // Closing stdin after the kill: its buffered bytes go nowhere, and the write fails
            // quietly instead of blocking on a pipe nobody reads.
            try { inputStream.Dispose(); } catch (Exception) { }
            // A reader is closed only once its pump has ended: closing a handle another thread
            // is blocked reading can itself block on Windows. (A pump still running after the
            // timeout means something else holds the pipe; it ends with it, and catches.)
            if (outputJoined) { try { standardOutput.Dispose(); } catch (Exception) { } }
            if (errorJoined) { try { standardError.Dispose(); } catch (Exception) { } }
            try { process.Dispose(); } catch (Exception) { }
        }

        private void PumpInput()
        {
            byte[] chunk = new byte[InputChunkBytes + 4096];
            int used = 0;
            long inChunk = 0;
            try
            {
                while (true)
                {
                    string line;
                    bool taken;
                    try { taken = input.TryTake(out line, -1, cancel.Token); }
                    catch (OperationCanceledException) { return; }
                    catch (InvalidOperationException) { taken = false; line = null; }
                    if (!taken) { break; }
                    int size = Utf8NoBom.GetMaxByteCount(line.Length) + 1;
                    if (size > chunk.Length - used)
                    {
                        Flush(chunk, ref used, ref inChunk);
                        if (size > chunk.Length) { chunk = new byte[size]; }
                    }
                    used += Utf8NoBom.GetBytes(line, 0, line.Length, chunk, used);
                    chunk[used++] = (byte)'\n';
                    inChunk++;
                    // Written when enough is gathered, or when nothing more is waiting: the engine
                    // sees each line as soon as the pipeline is slower than it.
                    if (used >= InputChunkBytes || input.Count == 0) { Flush(chunk, ref used, ref inChunk); }
                }
                Flush(chunk, ref used, ref inChunk);
                inputStream.Close();
            }
            catch (Exception e)
            {
                if (!IsDisposed) { inputFault = e.Message; }
                inputBroken = true;
                try { input.CompleteAdding(); } catch (Exception) { }
            }
            finally
            {
                inputDone.Set();
            }
        }

        private void Flush(byte[] chunk, ref int used, ref long inChunk)
        {
            if (used == 0) { return; }
            inputStream.Write(chunk, 0, used);
            inputStream.Flush();
            Interlocked.Add(ref linesDelivered, inChunk);
            used = 0;
            inChunk = 0;
        }

        private void PumpOutput()
        {
            try
            {
                LineReader reader = new LineReader(standardOutput, maxLineCharacters);
                string line;
                while ((line = reader.ReadLine()) != null) { output.Add(line, cancel.Token); }
            }
            catch (OperationCanceledException) { }
            catch (Exception e)
            {
                if (!IsDisposed)
                {
                    pumpFault = "stdout: " + e.Message;
                    outputFaulted = true;
                    // Nobody can read the engine any more: a live one would block on a full pipe
                    // (and stop reading stdin) forever.
                    Kill();
                }
            }
            finally
            {
                try { output.CompleteAdding(); } catch (Exception) { }
            }
        }

        private void PumpErrors()
        {
            try
            {
                LineReader reader = new LineReader(standardError, maxLineCharacters);
                string line;
                while ((line = reader.ReadLine()) != null) { errors.Add(line, cancel.Token); }
            }
            catch (OperationCanceledException) { }
            catch (Exception e)
            {
                if (!IsDisposed)
                {
                    pumpFault = "stderr: " + e.Message;
                    outputFaulted = true;
                    Kill();
                }
            }
            finally
            {
                try { errors.CompleteAdding(); } catch (Exception) { }
            }
        }

        private static int CurrentProcessId()
        {
            using (Process self = Process.GetCurrentProcess()) { return self.Id; }
        }

        private static void HookProcessExit()
        {
            lock (LiveLock)
            {
                if (exitHooked) { return; }
                exitHooked = true;
            }
            try { AppDomain.CurrentDomain.ProcessExit += delegate(object sender, EventArgs e) { KillAll(); }; }
            catch (Exception) { }
            // PowerShell 7 on SIGTERM (how schedulers and service managers stop a job) and SIGHUP
            // exits 143 without raising ProcessExit: a PosixSignalRegistration (.NET 6+, found by
            // reflection so this compiles for .NET Framework) ends the engines first. The signal
            // is not cancelled: PowerShell still exits as it would.
            try
            {
                Type registration = Type.GetType("System.Runtime.InteropServices.PosixSignalRegistration, System.Runtime.InteropServices", false);
                Type signal = Type.GetType("System.Runtime.InteropServices.PosixSignal, System.Runtime.InteropServices", false);
                Type context = Type.GetType("System.Runtime.InteropServices.PosixSignalContext, System.Runtime.InteropServices", false);
                if (registration == null || signal == null || context == null) { return; }
                MethodInfo create = registration.GetMethod("Create", new Type[] { signal, typeof(Action<>).MakeGenericType(context) });
                MethodInfo handler = typeof(NativeProcess).GetMethod("OnSignal", BindingFlags.NonPublic | BindingFlags.Static);
                if (create == null || handler == null) { return; }
                Delegate callback = Delegate.CreateDelegate(typeof(Action<>).MakeGenericType(context), handler);
                foreach (string name in new string[] { "SIGTERM", "SIGHUP" })
                {
                    try { SignalRegistrations.Add(create.Invoke(null, new object[] { Enum.Parse(signal, name), callback })); }
                    catch (Exception) { }
                }
            }
            catch (Exception) { }
        }

        // Kept alive: a registration that is collected unregisters itself.
        private static readonly List<object> SignalRegistrations = new List<object>();

        private static void OnSignal(object context)
        {
            KillAll();
        }

        /// <summary>Kills every engine this process started that still runs (ProcessExit: a
        /// normal exit, or SIGTERM on .NET Core). Never throws.</summary>
        public static void KillAll()
        {
            NativeProcess[] all;
            lock (LiveLock) { all = Live.ToArray(); }
            foreach (NativeProcess one in all) { one.Kill(); }
        }

        // CommandLineToArgvW quoting, which .NET also applies when it splits Arguments on Unix.
        public static string JoinArguments(string[] arguments)
        {
            StringBuilder all = new StringBuilder();
            foreach (string arg in arguments)
            {
                if (all.Length > 0) { all.Append(' '); }
                if (arg.Length > 0 && arg.IndexOfAny(new char[] { ' ', '\t', '\n', '\v', '"' }) < 0)
                {
                    all.Append(arg);
                    continue;
                }
                all.Append('"');
                for (int i = 0; ; i++)
                {
                    int backslashes = 0;
                    while (i < arg.Length && arg[i] == '\\') { i++; backslashes++; }
                    if (i == arg.Length) { all.Append('\\', backslashes * 2); break; }
                    if (arg[i] == '"') { all.Append('\\', backslashes * 2 + 1); all.Append('"'); }
                    else { all.Append('\\', backslashes); all.Append(arg[i]); }
                }
                all.Append('"');
            }
            return all.ToString();
        }
    }

    /// <summary>StreamReader.ReadLine (a line ends at \n, \r or \r\n) with a bound on a line's
    /// length: a longer line throws InvalidDataException instead of growing until memory runs
    /// out.</summary>
    internal sealed class LineReader
    {
        private readonly TextReader reader;
        private readonly int maxCharacters;
        private readonly char[] buffer = new char[16384];
        private int position;
        private int length;
        private readonly StringBuilder partial = new StringBuilder();

        public LineReader(TextReader reader, int maxCharacters)
        {
            this.reader = reader;
            this.maxCharacters = maxCharacters;
        }

        public string ReadLine()
        {
            partial.Length = 0;
            bool any = false;
            while (true)
            {
                if (position == length)
                {
                    length = reader.Read(buffer, 0, buffer.Length);
                    position = 0;
                    if (length <= 0)
                    {
                        length = 0;
                        return any ? partial.ToString() : null;
                    }
                }
                any = true;
                int start = position;
                while (position < length)
                {
                    char c = buffer[position];
                    if (c == '\n' || c == '\r')
                    {
                        string line;
                        if (partial.Length == 0) { line = new string(buffer, start, position - start); }
                        else { partial.Append(buffer, start, position - start); line = partial.ToString(); }
                        position++;
                        if (c == '\r')
                        {
                            if (position == length)
                            {
                                length = reader.Read(buffer, 0, buffer.Length);
                                position = 0;
                                if (length <= 0) { length = 0; }
                            }
                            if (position < length && buffer[position] == '\n') { position++; }
                        }
                        return line;
                    }
                    position++;
                }
                if (partial.Length + (position - start) > maxCharacters)
                {
                    throw new InvalidDataException("an output line longer than " + maxCharacters + " characters");
                }
                partial.Append(buffer, start, position - start);
            }
        }
    }

    /// <summary>Windows: a job object that kills its processes when its last handle closes, i.e.
    /// when this PowerShell process ends however it ends (the handle is never closed before).
    /// Each engine is assigned to it. Elsewhere, and when Windows refuses (a job that forbids
    /// nested jobs), nothing happens: ProcessExit and the engine's own parent watch remain.</summary>
    internal static class WindowsJob
    {
        private static readonly object Lock = new object();
        private static IntPtr job = IntPtr.Zero;
        private static bool tried;

        [StructLayout(LayoutKind.Sequential)]
        private struct BasicLimitInformation
        {
            public long PerProcessUserTimeLimit;
            public long PerJobUserTimeLimit;
            public uint LimitFlags;
            public UIntPtr MinimumWorkingSetSize;
            public UIntPtr MaximumWorkingSetSize;
            public uint ActiveProcessLimit;
            public UIntPtr Affinity;
            public uint PriorityClass;
            public uint SchedulingClass;
        }

        [StructLayout(LayoutKind.Sequential)]
        private struct IoCounters
        {
            public ulong ReadOperationCount;
            public ulong WriteOperationCount;
            public ulong OtherOperationCount;
            public ulong ReadTransferCount;
            public ulong WriteTransferCount;
            public ulong OtherTransferCount;
        }

        [StructLayout(LayoutKind.Sequential)]
        private struct ExtendedLimitInformation
        {
            public BasicLimitInformation BasicLimitInformation;
            public IoCounters IoInfo;
            public UIntPtr ProcessMemoryLimit;
            public UIntPtr JobMemoryLimit;
            public UIntPtr PeakProcessMemoryUsed;
            public UIntPtr PeakJobMemoryUsed;
        }

        private const int JobObjectExtendedLimitInformation = 9;
        private const uint JobObjectLimitKillOnJobClose = 0x2000;

        [DllImport("kernel32.dll", CharSet = CharSet.Unicode, SetLastError = true)]
        private static extern IntPtr CreateJobObject(IntPtr attributes, string name);

        [DllImport("kernel32.dll", SetLastError = true)]
        private static extern bool SetInformationJobObject(IntPtr job, int infoClass, ref ExtendedLimitInformation info, int length);

        [DllImport("kernel32.dll", SetLastError = true)]
        private static extern bool AssignProcessToJobObject(IntPtr job, IntPtr process);

        public static void Assign(Process process)
        {
            if (Environment.OSVersion.Platform != PlatformID.Win32NT) { return; }
            try
            {
                IntPtr handle;
                lock (Lock)
                {
                    if (!tried)
                    {
                        tried = true;
                        IntPtr created = CreateJobObject(IntPtr.Zero, null);
                        if (created != IntPtr.Zero)
                        {
                            ExtendedLimitInformation info = new ExtendedLimitInformation();
                            info.BasicLimitInformation.LimitFlags = JobObjectLimitKillOnJobClose;
                            if (SetInformationJobObject(created, JobObjectExtendedLimitInformation, ref info, Marshal.SizeOf(typeof(ExtendedLimitInformation))))
                            {
                                job = created;
                            }
                        }
                    }
                    handle = job;
                }
                if (handle != IntPtr.Zero) { AssignProcessToJobObject(handle, process.Handle); }
            }
            catch (Exception) { }
        }
    }

    /// <summary>
    /// One engine run as the module registers it: the process once started, the temporary files
    /// it owns, and its entry in the module's session registry. Its Stop() is plain .NET on
    /// purpose. In a pipeline that is stopping (Ctrl+C, PowerShell.Stop() from a host, a stopped
    /// job) the finally blocks run, but PowerShell refuses to start anything written in
    /// PowerShell there: a command, a script block, a script method (ScriptBlock.InvokeWithPipeImpl
    /// throws PipelineStoppedException on entry) and the next turn of any loop
    /// (PipelineOps.CheckForInterrupts). A .NET method call is the one thing that still runs.
    /// </summary>
    public sealed class NativeSession
    {
        private readonly string id = Guid.NewGuid().ToString("N");
        private readonly List<string> files = new List<string>();
        private readonly IList registry;
        private NativeProcess process;
        private object channel;
        private volatile string stopReason;
        private int stopped;

        /// <summary>Registers the session in <paramref name="registry"/> (the module's list of
        /// running sessions; null for none). Stop() takes it out again.</summary>
        public NativeSession(IList registry)
        {
            this.registry = registry;
            if (registry != null)
            {
                lock (registry.SyncRoot) { registry.Add(this); }
            }
        }

        public string Id { get { return id; } }

        /// <summary>Temporary files the session owns: deleted by Stop(). Add a path before the file
        /// exists, so a stop in the middle of writing it still deletes it.</summary>
        public List<string> Files { get { return files; } }

        /// <summary>The engine, once started (null before).</summary>
        public NativeProcess Process
        {
            get { return process; }
            set { process = value; }
        }

        /// <summary>The pipeline side of the run (a LicenseAudit.EngineChannel, Private/EngineChannel.cs),
        /// or null.</summary>
        public object Channel
        {
            get { return channel; }
            set { channel = value; }
        }

        public bool Stopped { get { return Volatile.Read(ref stopped) != 0; } }

        /// <summary>Who stopped the session before its run was complete (e.g. "Remove-Module
        /// LicenseAudit"), null when not said: a run that ends this way is never a success.</summary>
        public string StopReason { get { return stopReason; } }

        /// <summary>Kills the engine (NativeProcess.Dispose), deletes the session's files and takes
        /// it out of the registry. Never throws; the second call does nothing.</summary>
        public void Stop()
        {
            Stop(null);
        }

        /// <summary>Stop(), saying why (kept in StopReason when this call is the one that stops).</summary>
        public void Stop(string reason)
        {
            if (Interlocked.Exchange(ref stopped, 1) != 0) { return; }
            stopReason = reason;
            NativeProcess running = process;
            if (running != null)
            {
                try { running.Dispose(); } catch (Exception) { }
            }
            foreach (string file in files.ToArray())
            {
                try { File.Delete(file); } catch (Exception) { }
            }
            if (registry != null)
            {
                try
                {
                    lock (registry.SyncRoot)
                    {
                        for (int i = registry.Count - 1; i >= 0; i--)
                        {
                            if (object.ReferenceEquals(Unwrap(registry[i]), this)) { registry.RemoveAt(i); }
                        }
                    }
                }
                catch (Exception) { }
            }
        }

        /// <summary>The registry's sessions at this moment, for PowerShell to loop over.</summary>
        public static object[] Snapshot(IList registry)
        {
            if (registry == null) { return new object[0]; }
            lock (registry.SyncRoot)
            {
                object[] all = new object[registry.Count];
                registry.CopyTo(all, 0);
                return all;
            }
        }

        /// <summary>Disposes every IDisposable in <paramref name="items"/> (PowerShell's PSObject
        /// wrappers are looked through), one failure not stopping the others. Never throws. For
        /// finally blocks: a PowerShell loop there is refused in a stopping pipeline.</summary>
        public static void DisposeAll(IEnumerable items)
        {
            if (items == null) { return; }
            try
            {
                foreach (object item in items)
                {
                    IDisposable disposable = Unwrap(item) as IDisposable;
                    if (disposable == null) { continue; }
                    try { disposable.Dispose(); } catch (Exception) { }
                }
            }
            catch (Exception) { }
        }

        // System.Management.Automation.PSObject.BaseObject, by reflection: this file also compiles
        // without PowerShell's assembly (mcs, the Mono harness).
        private static object Unwrap(object item)
        {
            for (int depth = 0; item != null && depth < 4; depth++)
            {
                Type type = item.GetType();
                if (type.FullName != "System.Management.Automation.PSObject") { return item; }
                PropertyInfo baseObject = type.GetProperty("BaseObject");
                if (baseObject == null) { return item; }
                object inner = baseObject.GetValue(item, null);
                if (object.ReferenceEquals(inner, item)) { return item; }
                item = inner;
            }
            return item;
        }
    }
    /// <summary>What one short run of the engine gave (the version handshake): whether it
    /// started, why not, its exit code and output, and whether it had to be killed.</summary>
    public sealed class ProbeResult
    {
        private bool started;
        private int startError;
        private string startMessage;
        private bool timedOut;
        private int exitCode;
        private string output = "";
        private string error = "";

        public bool Started { get { return started; } internal set { started = value; } }

        /// <summary>Win32Exception.NativeErrorCode when Process.Start failed (a Win32 error on
        /// Windows, errno on Linux and macOS); -1 for a failure that was not a Win32Exception;
        /// 0 when it started.</summary>
        public int StartError { get { return startError; } internal set { startError = value; } }

        public string StartMessage { get { return startMessage; } internal set { startMessage = value; } }

        /// <summary>It did not exit within the timeout and was killed.</summary>
        public bool TimedOut { get { return timedOut; } internal set { timedOut = value; } }

        public int ExitCode { get { return exitCode; } internal set { exitCode = value; } }

        public string Output { get { return output; } internal set { output = value ?? ""; } }

        public string Error { get { return error; } internal set { error = value ?? ""; } }
    }

    /// <summary>
    /// Runs the engine once to completion with stdin closed and a timeout: the version handshake
    /// before first use. Never throws: a start failure is reported in the result (with the
    /// native error code EngineDiagnosis.StartFailure explains), a hang is killed.
    /// </summary>
    public static class EngineProbe
    {
        public static ProbeResult Run(string path, string[] arguments, int timeoutMilliseconds)
        {
            ProbeResult result = new ProbeResult();
            Process process = null;
            try
            {
                ProcessStartInfo info = new ProcessStartInfo(path, NativeProcess.JoinArguments(arguments));
                info.UseShellExecute = false;
                info.CreateNoWindow = true;
                // Redirected and closed at once: an engine (or something else at that path) that
                // reads stdin sees end of input instead of waiting on a console nobody types into.
                info.RedirectStandardInput = true;
                info.RedirectStandardOutput = true;
                info.RedirectStandardError = true;
                info.StandardOutputEncoding = new UTF8Encoding(false);
                info.StandardErrorEncoding = new UTF8Encoding(false);
                process = Process.Start(info);
            }
            catch (Win32Exception e)
            {
                result.StartError = e.NativeErrorCode;
                result.StartMessage = e.Message;
                return result;
            }
            catch (Exception e)
            {
                result.StartError = -1;
                result.StartMessage = e.Message;
                return result;
            }
            if (process == null)
            {
                result.StartError = -1;
                result.StartMessage = "Process.Start returned no process";
                return result;
            }
            result.Started = true;
            Task<string> output = null;
            Task<string> error = null;
            bool drained = false;
            try
            {
                try { process.StandardInput.Close(); } catch (Exception) { }
                output = process.StandardOutput.ReadToEndAsync();
                error = process.StandardError.ReadToEndAsync();
                if (!process.WaitForExit(timeoutMilliseconds))
                {
                    result.TimedOut = true;
                    try { process.Kill(); } catch (Exception) { }
                    try { process.WaitForExit(5000); } catch (Exception) { }
                }
                else
                {
                    result.ExitCode = process.ExitCode;
                }
                // Bounded: a grandchild that inherited the pipes could hold them open.
                drained = Wait(output, 5000) & Wait(error, 5000);
                if (output.Status == TaskStatus.RanToCompletion) { result.Output = output.Result; }
                if (error.Status == TaskStatus.RanToCompletion) { result.Error = error.Result; }
            }
            catch (Exception e)
            {
                if (result.StartMessage == null) { result.StartMessage = e.Message; }
            }
            finally
            {
                // Closing a pipe another thread is blocked reading can block on Windows: the
                // process (and its readers) is disposed only once both reads have ended.
                if (drained || output == null) { try { process.Dispose(); } catch (Exception) { } }
            }
            return result;
        }

        private static bool Wait(Task task, int milliseconds)
        {
            try { return task.Wait(milliseconds); }
            catch (Exception) { return true; }
        }
    }

    /// <summary>
    /// The checks before first use that need no PowerShell: the SHA256SUMS entry of the binary,
    /// and the real Windows version (GetVersionEx, behind [Environment]::OSVersion on .NET
    /// Framework, reports 6.2 to a process whose manifest does not declare Windows 10; the
    /// Windows PowerShell 5.1 console declares it, other hosts may not).
    /// </summary>
    public static class EngineCheck
    {
        private static readonly Regex SumsLine = new Regex("^([0-9a-fA-F]{64}) [ *](.+)$");

        /// <summary>The expected SHA-256 (lower case) of <paramref name="entry"/> (a path
        /// relative to bin/ with '/', e.g. win-x64/license-audit.exe) in the text of a
        /// sha256sum-format SHA256SUMS, or null with <paramref name="problem"/> saying why:
        /// exactly one line must name it.</summary>
        public static string ExpectedHash(string sums, string entry, out string problem)
        {
            problem = null;
            string found = null;
            int count = 0;
            string[] lines = (sums ?? "").Split('\n');
            foreach (string raw in lines)
            {
                string line = raw.TrimEnd('\r');
                Match m = SumsLine.Match(line);
                if (!m.Success || m.Groups[2].Value != entry) { continue; }
                count++;
                found = m.Groups[1].Value.ToLowerInvariant();
            }
            if (count == 1) { return found; }
            problem = count == 0
                ? "SHA256SUMS has no line for " + entry
                : "SHA256SUMS has " + count + " lines for " + entry + ", expected one";
            return null;
        }

        [StructLayout(LayoutKind.Sequential, CharSet = CharSet.Unicode)]
        private struct OsVersionInfo
        {
            public int Size;
            public int Major;
            public int Minor;
            public int Build;
            public int Platform;
            [MarshalAs(UnmanagedType.ByValTStr, SizeConst = 128)]
            public string ServicePack;
        }

        [DllImport("ntdll.dll")]
        private static extern int RtlGetVersion(ref OsVersionInfo info);

        /// <summary>The Windows version from RtlGetVersion, which no application manifest
        /// changes; null on other systems.</summary>
        public static Version WindowsVersion()
        {
            if (Environment.OSVersion.Platform != PlatformID.Win32NT) { return null; }
            try
            {
                OsVersionInfo info = new OsVersionInfo();
                info.Size = Marshal.SizeOf(typeof(OsVersionInfo));
                if (RtlGetVersion(ref info) == 0) { return new Version(info.Major, info.Minor, info.Build); }
            }
            catch (Exception) { }
            return Environment.OSVersion.Version;
        }

        /// <summary>This system, for messages: the OS description .NET gives, and on Windows the
        /// real version.</summary>
        public static string OsDescription()
        {
            string text = Environment.OSVersion.VersionString;
            try
            {
                Type info = Type.GetType("System.Runtime.InteropServices.RuntimeInformation, System.Runtime.InteropServices.RuntimeInformation", false);
                if (info == null) { info = Type.GetType("System.Runtime.InteropServices.RuntimeInformation", false); }
                if (info != null)
                {
                    PropertyInfo description = info.GetProperty("OSDescription");
                    PropertyInfo architecture = info.GetProperty("OSArchitecture");
                    if (description != null) { text = ((string)description.GetValue(null, null)).Trim(); }
                    if (architecture != null) { text += " " + architecture.GetValue(null, null); }
                }
            }
            catch (Exception) { }
            Version windows = WindowsVersion();
            if (windows != null && text.IndexOf(windows.ToString(), StringComparison.Ordinal) < 0)
            {
                text += " (Windows " + windows + ")";
            }
            return text;
        }
    }

    /// <summary>
    /// Why the engine could not start, or exited with a code that is not its own (0-5 are the
    /// engine's: docs/contract.md). Id is the error id without the "LicenseAudit." prefix;
    /// Category names a System.Management.Automation.ErrorCategory (this file compiles without
    /// PowerShell's assembly).
    /// </summary>
    public sealed class EngineDiagnosis
    {
        private readonly string id;
        private readonly string category;
        private readonly string message;

        public EngineDiagnosis(string id, string category, string message)
        {
            this.id = id;
            this.category = category;
            this.message = message;
        }

        public string Id { get { return id; } }

        public string Category { get { return category; } }

        public string Message { get { return message; } }

        private const string Reinstall = "Reinstall the module (or copy it again, completely), or set LICENSEAUDIT_BINARY to a working copy.";

        /// <summary>Process.Start failed with <paramref name="code"/> (Win32Exception.NativeErrorCode:
        /// a Win32 error on Windows, errno elsewhere).</summary>
        public static EngineDiagnosis StartFailure(int code, string systemMessage, bool windows, bool fileExists, string path)
        {
            string head = "Cannot start the engine '" + path + "': " + (systemMessage ?? "unknown error") + " (error " + code + "). ";
            if (windows)
            {
                switch (code)
                {
                    case 2:
                    case 3:
                        return new EngineDiagnosis("EngineNotFound", "ObjectNotFound", head +
                            "The file is missing: an incomplete copy of the module, or antivirus removed it (check its quarantine). " + Reinstall);
                    case 5:
                    case 1260:
                    case 4551:
                        return new EngineDiagnosis("EngineBlocked", "SecurityError", head +
                            "Windows refused to run it: application control (AppLocker, Software Restriction Policies or WDAC / " +
                            "Device Guard code integrity) or antivirus blocks this exe. Allow license-audit.exe by path, hash or " +
                            "publisher in that policy (ask its owner), or run the module where it is allowed; see README, \"Install\".");
                    case 225:
                    case 226:
                        return new EngineDiagnosis("EngineQuarantined", "SecurityError", head +
                            "Antivirus reports the file as a virus or potentially unwanted software and blocked (or removed) it. " +
                            "Compare it with bin/SHA256SUMS of the release; if it matches, it is a false positive: report it to " +
                            "the antivirus vendor and allow the file by hash.");
                    case 193:
                    case 216:
                        return new EngineDiagnosis("EngineWrongArchitecture", "InvalidOperation", head +
                            "Windows cannot load it: the exe is for another processor (it is x64: 32-bit Windows cannot run it) " +
                            "or the file is damaged (a partial copy). " + Reinstall);
                }
            }
            else
            {
                switch (code)
                {
                    case 13:
                        return new EngineDiagnosis("EngineNotExecutable", "PermissionDenied", head +
                            "It has no execute permission, or its file system is mounted noexec (check: findmnt -no OPTIONS --target '" +
                            path + "'). Run chmod +x on it as the owner, or copy the module to a file system mounted with exec " +
                            "and set LICENSEAUDIT_BINARY to the copy.");
                    case 2:
                        if (fileExists)
                        {
                            return new EngineDiagnosis("EngineNeedsGlibc", "NotInstalled", head +
                                "The file is there, so what is missing is its program loader: the Linux engine is built for glibc " +
                                "2.34 or later (/lib64/ld-linux-x86-64.so.2) and does not run on musl systems such as Alpine. Use a " +
                                "glibc distribution (Debian 12, Ubuntu 22.04, RHEL 9 or later) or container.");
                        }
                        return new EngineDiagnosis("EngineNotFound", "ObjectNotFound", head + "The file is missing. " + Reinstall);
                    case 8:
                        return new EngineDiagnosis("EngineWrongArchitecture", "InvalidOperation", head +
                            "The system cannot execute this file format: a binary for another processor or system, or a damaged " +
                            "file. " + Reinstall);
                }
            }
            return new EngineDiagnosis("EngineStartFailed", "ResourceUnavailable", head + Reinstall);
        }

        /// <summary>The exit code as a person reads it: NTSTATUS codes (negative as Int32) in
        /// hex, e.g. 0xC0000139 (-1073741511); others in decimal.</summary>
        public static string ExitCodeText(int code)
        {
            if (code < 0) { return "0x" + unchecked((uint)code).ToString("X8", System.Globalization.CultureInfo.InvariantCulture) + " (" + code + ")"; }
            return code.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        /// <summary>Why the engine exited with <paramref name="exitCode"/>, or null when that is
        /// one of its own codes (0-5) and stderr shows no loader failure. <paramref name="stderr"/>
        /// is the first lines it wrote; <paramref name="os"/> describes this system.</summary>
        public static EngineDiagnosis ExitFailure(int exitCode, bool windows, string stderr, string os, string path)
        {
            string lines = FirstLines(stderr, 5);
            string tail = " Exit code " + ExitCodeText(exitCode) + "; system: " + os +
                (lines.Length > 0 ? "; its first lines of error output: " + lines : "; it wrote no error output") + ".";
            if (!windows && stderr != null && stderr.IndexOf("GLIBC_", StringComparison.Ordinal) >= 0 &&
                stderr.IndexOf("not found", StringComparison.Ordinal) >= 0)
            {
                return new EngineDiagnosis("EngineNeedsGlibc", "NotInstalled",
                    "The engine '" + path + "' did not start: this system's C library is older than it needs. The Linux engine " +
                    "needs glibc 2.34 or later (Debian 12, Ubuntu 22.04, RHEL 9 or later; check with ldd --version)." + tail);
            }
            if (exitCode >= 0 && exitCode <= 5) { return null; }
            if (windows)
            {
                switch (unchecked((uint)exitCode))
                {
                    case 0xC0000139:
                        return new EngineDiagnosis("EngineLoaderFailed", "NotInstalled",
                            "Windows could not start the engine '" + path + "': STATUS_ENTRYPOINT_NOT_FOUND, a function it imports " +
                            "is missing. On Windows Server 2012 R2 / Windows 8.1 and older that is ProcessPrng in " +
                            "bcryptprimitives.dll, which Rust's standard library needs since Rust 1.78: the engine needs Windows 10 or " +
                            "Windows Server 2016 or later (x64). Export there with Export-LicenseAuditSnapshot and audit the folder " +
                            "on a supported machine (Invoke-LicenseAudit -SnapshotPath)." + tail);
                    case 0xC0000135:
                        return new EngineDiagnosis("EngineLoaderFailed", "NotInstalled",
                            "Windows could not start the engine '" + path + "': STATUS_DLL_NOT_FOUND, a DLL it imports is missing. " +
                            "It imports only DLLs every Windows 10 / Server 2016 has: this Windows is older or has components " +
                            "removed." + tail);
                    case 0xC000007B:
                        return new EngineDiagnosis("EngineLoaderFailed", "InvalidOperation",
                            "Windows could not start the engine '" + path + "': STATUS_INVALID_IMAGE_FORMAT, the exe or a DLL it " +
                            "loads is for another architecture or damaged (for example a 32-bit DLL of a system DLL's name beside " +
                            "the exe or on PATH, or a partial copy). " + Reinstall + tail);
                    case 0xC0000142:
                        return new EngineDiagnosis("EngineLoaderFailed", "ResourceUnavailable",
                            "Windows could not start the engine '" + path + "': STATUS_DLL_INIT_FAILED, a DLL failed to initialise. " +
                            "Often the desktop heap of a non-interactive session (a service or scheduled task) is exhausted, or " +
                            "security software injected into the process failed; retry, and check the antivirus / EDR logs." + tail);
                }
            }
            else if (exitCode > 128 && exitCode < 160)
            {
                int signal = exitCode - 128;
                string why = signal == 9 ? " (SIGKILL: often the out-of-memory killer; see dmesg or journalctl -k)"
                    : signal == 11 ? " (SIGSEGV: a crash)" : signal == 15 ? " (SIGTERM: stopped from outside)" : "";
                return new EngineDiagnosis("EngineCrashed", "OperationStopped",
                    "The engine '" + path + "' was ended by signal " + signal + why + "." + tail);
            }
            if (exitCode == 101)
            {
                return new EngineDiagnosis("EngineCrashed", "NotSpecified",
                    "The engine '" + path + "' panicked (an internal error, a bug): please report it with the lines below." + tail);
            }
            return new EngineDiagnosis("EngineCrashed", "NotSpecified",
                "The engine '" + path + "' crashed or never started: its own exit codes are 0 to 5." + tail);
        }

        private static string FirstLines(string text, int count)
        {
            if (string.IsNullOrEmpty(text)) { return ""; }
            List<string> kept = new List<string>();
            foreach (string raw in text.Split('\n'))
            {
                string line = raw.Trim();
                if (line.Length == 0) { continue; }
                kept.Add(line);
                if (kept.Count == count) { break; }
            }
            return string.Join(" | ", kept.ToArray());
        }
    }
}
