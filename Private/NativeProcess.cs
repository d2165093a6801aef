// Runs license-audit with stdout and stderr pumped on background threads, so a PowerShell
// cmdlet can stream pipeline objects into stdin while records come back, without the pipe
// deadlock a single-threaded read/write loop risks; and NativeSession, the cleanup of one run
// that must still work in a finally block of a stopping pipeline.
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
//   the two readers ONCE (Process.Dispose sets Process.StandardOutput/StandardError to null, and
//   the getters then throw), and catch everything.
// - Dispose may come at any moment: `| Select-Object -First 10`, Ctrl+C, -ErrorAction Stop on
//   one bad record. It kills the child (so nothing blocks on a full pipe), joins the pumps with
//   a timeout, and only then disposes the readers and the process. Dispose twice is harmless.
// - stdin is written by our own StreamWriter over the pipe with UTF8Encoding(false), so this
//   code never writes a byte-order mark. (On .NET Framework, Process.Start itself may already
//   have written the console input code page's preamble into the pipe when that code page is
//   UTF-8; the engine strips a leading BOM from stdin for that reason. On .NET Core,
//   StandardInputEncoding is set to UTF-8 without BOM through reflection.)
using System;
using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Reflection;
using System.Text;
using System.Threading;

namespace LicenseAudit
{
    public sealed class NativeProcess : IDisposable
    {
        private static readonly Encoding Utf8NoBom = new UTF8Encoding(false);

        /// <summary>How long Dispose waits for each pump after killing the child.</summary>
        public static int JoinTimeoutMilliseconds = 5000;

        private readonly Process process;
        private readonly StreamWriter input;
        private readonly StreamReader standardOutput;
        private readonly StreamReader standardError;
        private readonly BlockingCollection<string> output = new BlockingCollection<string>(new ConcurrentQueue<string>());
        private readonly ConcurrentQueue<string> errors = new ConcurrentQueue<string>();
        private readonly Thread outputPump;
        private readonly Thread errorPump;
        private readonly int processId;
        private volatile bool inputBroken;
        private volatile string pumpFault;
        private int disposed;

        public NativeProcess(string path, string[] arguments)
        {
            ProcessStartInfo info = new ProcessStartInfo(path, JoinArguments(arguments));
            info.UseShellExecute = false;
            info.CreateNoWindow = true;
            info.RedirectStandardInput = true;
            info.RedirectStandardOutput = true;
            info.RedirectStandardError = true;
            info.StandardOutputEncoding = Utf8NoBom;
            info.StandardErrorEncoding = Utf8NoBom;
            // .NET Core 2.1+ / PowerShell 7 only; .NET Framework has no such property.
            PropertyInfo inputEncoding = typeof(ProcessStartInfo).GetProperty("StandardInputEncoding");
            if (inputEncoding != null && inputEncoding.CanWrite)
            {
                inputEncoding.SetValue(info, Utf8NoBom, null);
            }
            process = Process.Start(info);
            processId = process.Id;
            // Taken once: after Process.Dispose these getters throw.
            standardOutput = process.StandardOutput;
            standardError = process.StandardError;
            // UTF-8 without BOM, "\n" line ends: one JSON record per line.
            input = new StreamWriter(process.StandardInput.BaseStream, Utf8NoBom, 65536);
            input.NewLine = "\n";
            outputPump = new Thread(PumpOutput);
            outputPump.IsBackground = true;
            outputPump.Name = "license-audit stdout";
            outputPump.Start();
            errorPump = new Thread(PumpErrors);
            errorPump.IsBackground = true;
            errorPump.Name = "license-audit stderr";
            errorPump.Start();
        }

        public int ProcessId { get { return processId; } }

        public bool IsDisposed { get { return Volatile.Read(ref disposed) != 0; } }

        /// <summary>A pump's failure other than end of stream (null when none): reported, never thrown.</summary>
        public string PumpFault { get { return pumpFault; } }

        public bool HasExited
        {
            get
            {
                try { return process.HasExited; }
                catch (Exception) { return true; }
            }
        }

        /// <summary>False once the binary has stopped reading (it exited, usually on an error
        /// that stderr explains), or after Dispose.</summary>
        public bool WriteLine(string line)
        {
            if (inputBroken || IsDisposed) { return false; }
            try { input.WriteLine(line); return true; }
            catch (Exception) { inputBroken = true; return false; }
        }

        /// <summary>For --password-stdin: written once as the first line, flushed, never logged.</summary>
        public bool WriteSecret(string secret)
        {
            if (inputBroken || IsDisposed) { return false; }
            try { input.WriteLine(secret); input.Flush(); return true; }
            catch (Exception) { inputBroken = true; return false; }
        }

        public void CloseInput()
        {
            if (IsDisposed) { return; }
            try { input.Flush(); }
            catch (Exception) { inputBroken = true; }
            try { input.Close(); }
            catch (Exception) { inputBroken = true; }
        }

        public bool TryTakeOutput(out string line, int millisecondsTimeout)
        {
            try { return output.TryTake(out line, millisecondsTimeout); }
            catch (Exception) { line = null; return false; }
        }

        public bool OutputCompleted { get { return output.IsCompleted; } }

        public bool TryTakeError(out string line)
        {
            return errors.TryDequeue(out line);
        }

        /// <summary>Waits for the child and both pumps; the exit code, or -1 after Dispose.</summary>
        public int WaitForExit()
        {
            if (IsDisposed) { return -1; }
            try
            {
                process.WaitForExit();
                outputPump.Join();
                errorPump.Join();
                return process.ExitCode;
            }
            catch (Exception) { return -1; }
        }

        /// <summary>Kills the child if it still runs. Never throws.</summary>
        public void Kill()
        {
            try
            {
                if (!process.HasExited) { process.Kill(); }
            }
            catch (Exception) { }
        }

        /// <summary>Kill, join the pumps (bounded), then dispose. Safe to call twice, from any
        /// state, while records are still being written.</summary>
        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) != 0) { return; }
            inputBroken = true;
            Kill();
            bool outputJoined = false;
            bool errorJoined = false;
            try { outputJoined = outputPump.Join(JoinTimeoutMilliseconds); } catch (Exception) { }
            try { errorJoined = errorPump.Join(JoinTimeoutMilliseconds); } catch (Exception) { }
            // Closing stdin after the kill: its buffered bytes go nowhere, and the write fails
            // quietly instead of blocking on a pipe nobody reads.
            try { input.Dispose(); } catch (Exception) { }
            // A reader is closed only once its pump has ended: closing a handle another thread
            // is blocked reading can itself block on Windows. (A pump still running after the
            // timeout means something else holds the pipe; it ends with it, and catches.)
            if (outputJoined) { try { standardOutput.Dispose(); } catch (Exception) { } }
            if (errorJoined) { try { standardError.Dispose(); } catch (Exception) { } }
            try { process.Dispose(); } catch (Exception) { }
        }

        private void PumpOutput()
        {
            try
            {
                string line;
                while ((line = standardOutput.ReadLine()) != null) { output.Add(line); }
            }
            catch (Exception e)
            {
                if (!IsDisposed) { pumpFault = "stdout: " + e.Message; }
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
                string line;
                while ((line = standardError.ReadLine()) != null) { errors.Enqueue(line); }
            }
            catch (Exception e)
            {
                if (!IsDisposed) { pumpFault = "stderr: " + e.Message; }
            }
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

        public bool Stopped { get { return Volatile.Read(ref stopped) != 0; } }

        /// <summary>Kills the engine (NativeProcess.Dispose), deletes the session's files and takes
        /// it out of the registry. Never throws; the second call does nothing.</summary>
        public void Stop()
        {
            if (Interlocked.Exchange(ref stopped, 1) != 0) { return; }
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
}
