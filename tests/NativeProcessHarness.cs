// Drives Private/NativeProcess.cs against the real license-audit binary, the way the cmdlets do,
// on hosts without PowerShell: compiled with `mcs -langversion:5` (the C# that Windows
// PowerShell 5.1's Add-Type accepts) together with NativeProcess.cs, run under Mono by
// native/tests/native_process_mono.rs.
//
//   mono harness.exe <license-audit binary> <repository root> [<engine version> [<package bin folder>]]
//
// Prints "ok <scenario>" per scenario and exits 0; on a failed check prints "FAIL <scenario>:
// <why>" and exits 1. An exception on a background thread ends the process (as it ends
// powershell.exe): the harness then dies with a non-zero code and no "all scenarios passed".
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Threading;
using LicenseAudit;

public static class NativeProcessHarness
{
    private static string binary;
    private static string root;
    private static string version;
    private static string packageBin;
    private static int failures;
    private static string unhandled;

    public static int Main(string[] args)
    {
        if (args.Length < 2 || args.Length > 4)
        {
            Console.Error.WriteLine("usage: harness.exe <license-audit binary> <repository root> [<engine version> [<package bin folder>]]");
            return 2;
        }
        binary = args[0];
        root = args[1];
        version = args.Length >= 3 ? args[2] : null;
        packageBin = args.Length == 4 ? args[3] : null;
        AppDomain.CurrentDomain.UnhandledException += delegate(object sender, UnhandledExceptionEventArgs e)
        {
            // Reaching this handler means the runtime is about to end the process: say why.
            unhandled = e.ExceptionObject.ToString();
            Console.Out.WriteLine("UNHANDLED on a background thread: " + unhandled);
            Console.Out.Flush();
        };

        Run("quoting follows CommandLineToArgvW", Quoting);
        Run("streams 20000 JSON lines and reads the records back, no BOM", StreamsRecords);
        Run("dispose mid-output does not kill the host and reaps the child", DisposeMidOutput);
        Run("dispose while the child is blocked reading stdin (pipeline stopped)", DisposeWhileChildWaits);
        Run("dispose is idempotent and calls after dispose are harmless", DisposeTwice);
        Run("writes to a child that exited early fail quietly; its JSON error is read", ChildExitsEarly);
        Run("the secret reaches --password-stdin as the first line", SecretOnStdin);
        Run("arguments with spaces reach the child intact", ArgumentsWithSpaces);
        Run("session stop kills the engine, deletes its files and unregisters it", SessionStop);
        Run("session stop says who stopped it", SessionStopReason);
        Run("a write to a child that never reads returns within its timeout", WriteNeverRead);
        Run("the output queue is bounded: a child that writes without end waits (back-pressure)", OutputBounded);
        Run("a line longer than the limit is a fault of the run, and the child is killed", OutputTooLong);
        Run("a broken stdin says how many lines were delivered", InputBrokenCounts);
        Run("the child is told its parent process id (LICENSEAUDIT_PARENT_PID)", ParentPid);
        Run("kill-all (process exit) ends every running child", KillAllChildren);
        Run("session dispose-all looks through PSObject wrappers", SessionDisposeAll);
        Run("probe reads the engine's version with stdin closed", ProbeVersion);
        Run("probe reports a start failure instead of throwing", ProbeStartFailure);
        Run("probe kills an engine that does not answer in time", ProbeTimeout);
        Run("probe closes stdin, so a program that reads it ends", ProbeClosedStdin);
        Run("diagnosis names the loader failures and keeps the engine's own exit codes", DiagnosisExitCodes);
        Run("diagnosis maps start errors per system", DiagnosisStartErrors);
        Run("SHA256SUMS needs exactly one line for the binary", ChecksumEntry);
        if (packageBin != null) { Run("SHA256SUMS as scripts/package writes it gives each binary's hash", PackageSums); }
        Run("system description and Windows version", SystemDescription);

        // Give any pump that would throw late the chance to do so before declaring success.
        Thread.Sleep(500);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Thread.Sleep(200);
        if (unhandled != null) { failures++; }
        if (failures > 0)
        {
            Console.Out.WriteLine(failures + " scenario(s) failed");
            return 1;
        }
        Console.Out.WriteLine("all scenarios passed");
        return 0;
    }

    private static void Run(string name, Action scenario)
    {
        try
        {
            scenario();
            if (unhandled != null) { throw new Exception("background thread died: " + unhandled); }
            Console.Out.WriteLine("ok " + name);
        }
        catch (Exception e)
        {
            failures++;
            Console.Out.WriteLine("FAIL " + name + ": " + e.Message);
        }
        Console.Out.Flush();
    }

    private static void Check(bool condition, string what)
    {
        if (!condition) { throw new Exception(what); }
    }

    private static string[] Args(params string[] words)
    {
        List<string> all = new List<string>(words);
        all.AddRange(new string[] { "--format", "ndjson", "--progress", "json", "--error-format", "json" });
        return all.ToArray();
    }

    private static string Example(string name)
    {
        return Path.Combine(Path.Combine(Path.Combine(root, "examples"), "contoso"), name);
    }

    private static string User(int i)
    {
        return "{\"SipAddress\":\"sip:user" + i + "@contoso.com\",\"DisplayName\":\"Zo\u00eb " + i
            + "\",\"Enabled\":true,\"RegistrarPool\":\"pool01.redmond.contoso.com\",\"ConferencingPolicy\":\"Tag:ENT_CAL_REC_AudioVideo\"}";
    }

    private static List<string> Drain(NativeProcess p, List<string> into)
    {
        string line;
        while (p.TryTakeOutput(out line, 0)) { into.Add(line); }
        return into;
    }

    private static bool Gone(int pid, int waitMilliseconds)
    {
        Stopwatch clock = Stopwatch.StartNew();
        while (clock.ElapsedMilliseconds < waitMilliseconds)
        {
            try
            {
                Process p = Process.GetProcessById(pid);
                if (p.HasExited) { return true; }
                // A zombie on Linux until reaped: /proc/<pid>/stat state Z counts as gone.
                string stat = "/proc/" + pid + "/stat";
                if (File.Exists(stat))
                {
                    string text = File.ReadAllText(stat);
                    int close = text.LastIndexOf(')');
                    if (close > 0 && close + 2 < text.Length && text[close + 2] == 'Z') { return true; }
                }
            }
            catch (ArgumentException) { return true; }
            catch (InvalidOperationException) { return true; }
            // /proc/<pid> vanished between the check and the read: gone.
            catch (IOException) { return true; }
            Thread.Sleep(50);
        }
        return false;
    }

    private static void Quoting()
    {
        string joined = NativeProcess.JoinArguments(new string[] { "a", "b c", "say \"hi\"", "C:\\dir\\", "" });
        Check(joined == "a \"b c\" \"say \\\"hi\\\"\" C:\\dir\\ \"\"", "got " + joined);
        joined = NativeProcess.JoinArguments(new string[] { "C:\\my dir\\" });
        Check(joined == "\"C:\\my dir\\\\\"", "got " + joined);
    }

    private static void StreamsRecords()
    {
        const int count = 20000;
        List<string> records = new List<string>();
        using (NativeProcess p = new NativeProcess(binary, Args("inspect", "-")))
        {
            for (int i = 1; i <= count; i++)
            {
                Check(p.WriteLine(User(i)), "write " + i + " refused");
                if (i % 500 == 0) { Drain(p, records); }
            }
            p.CloseInput();
            string line;
            while (!p.OutputCompleted)
            {
                if (p.TryTakeOutput(out line, 100)) { records.Add(line); }
            }
            Drain(p, records);
            int exit = p.WaitForExit();
            Check(exit == 0, "exit code " + exit);
            Check(p.PumpFault == null, "pump fault: " + p.PumpFault);
        }
        Check(records.Count == 1, records.Count + " records");
        Check(records[0].Contains("\"Records\":" + count), "inspection: " + records[0]);
        // The reader names a BOM when it sees one ("UTF-8 with BOM").
        Check(records[0].Contains("\"Encoding\":\"UTF-8\""), "stdin started with a BOM: " + records[0]);
    }

    private static void DisposeMidOutput()
    {
        int pid;
        int taken = 0;
        NativeProcess p = new NativeProcess(binary, Args("lync", "entitlement", "--users", "-",
            "--conferencing-policies", Example("conferencing-policies.json"), "--pools", Example("pools.xml")));
        pid = p.ProcessId;
        // Like `| Select-Object -First 10`: stop as soon as ten records are back, with the child
        // busy writing and the pumps busy reading.
        for (int i = 1; i <= 200000 && taken < 10; i++)
        {
            if (!p.WriteLine(User(i))) { break; }
            string line;
            while (taken < 10 && p.TryTakeOutput(out line, 0)) { taken++; }
        }
        Check(taken == 10, "only " + taken + " records before dispose");
        Stopwatch clock = Stopwatch.StartNew();
        p.Dispose();
        Check(clock.ElapsedMilliseconds < NativeProcess.JoinTimeoutMilliseconds * 2 + 2000, "dispose took " + clock.ElapsedMilliseconds + " ms");
        Check(Gone(pid, 5000), "child " + pid + " still running after dispose");
        // The pumps were mid-read when the streams went away; give them time to fail (caught).
        Thread.Sleep(300);
        string after;
        Check(!p.TryTakeOutput(out after, 10) || after != null, "take after dispose threw");
        Check(!p.WriteLine(User(0)), "write after dispose accepted");
    }

    private static void DisposeWhileChildWaits()
    {
        // begin{} started the engine, then the pipeline stopped: the child waits on stdin with
        // nothing sent. Dispose must kill it rather than wait for an end of input that never comes.
        NativeProcess p = new NativeProcess(binary, Args("lync", "entitlement", "--users", "-",
            "--conferencing-policies", Example("conferencing-policies.json"), "--pools", Example("pools.xml")));
        int pid = p.ProcessId;
        Check(p.WriteLine(User(1)), "first write refused");
        Thread.Sleep(200);
        Check(!p.HasExited, "child should be waiting on stdin");
        p.Dispose();
        Check(Gone(pid, 5000), "child " + pid + " still waiting on stdin after dispose");
    }

    private static void DisposeTwice()
    {
        NativeProcess p = new NativeProcess(binary, Args("inspect", "-"));
        p.WriteLine(User(1));
        p.CloseInput();
        int exit = p.WaitForExit();
        Check(exit == 0, "exit " + exit);
        p.Dispose();
        p.Dispose();
        p.CloseInput();
        p.Kill();
        Check(p.WaitForExit() == -1, "WaitForExit after dispose");
        Check(!p.WriteSecret("x"), "secret after dispose accepted");
        Check(p.HasExited, "HasExited after dispose");
    }

    private static void ChildExitsEarly()
    {
        NativeProcess p = new NativeProcess(binary, Args("lync", "entitlement", "--users", "-",
            "--conferencing-policies", Path.Combine(root, "no-such-file.json")));
        bool refused = false;
        // Enough data to overflow every buffer between us and a child that stopped reading.
        for (int i = 1; i <= 200000; i++)
        {
            if (!p.WriteLine(User(i))) { refused = true; break; }
        }
        p.CloseInput();
        int exit = p.WaitForExit();
        Check(refused, "writes to an exited child were all accepted");
        Check(exit == 3 || exit == 2, "exit code " + exit);
        string line;
        bool sawError = false;
        while (p.TryTakeError(out line))
        {
            if (line.Contains("\"level\":\"error\"") && line.Contains("no-such-file.json")) { sawError = true; }
        }
        Check(sawError, "no JSON error naming the missing file");
        p.Dispose();
    }

    private static void SecretOnStdin()
    {
        // Nothing listens on port 1 of the loopback address: a password that arrived means the
        // engine gets as far as connecting (exit 4); a missing one is an argument error (exit 2).
        NativeProcess p = new NativeProcess(binary, Args("lync", "usage", "--server", "127.0.0.1,1", "--auth", "sql",
            "--user", "audit", "--password-stdin", "--encrypt", "off", "--connect-timeout", "2"));
        Check(p.WriteSecret("S3cret!pass"), "secret refused");
        p.CloseInput();
        int exit = p.WaitForExit();
        StringBuilder errors = new StringBuilder();
        string line;
        while (p.TryTakeError(out line)) { errors.AppendLine(line); }
        p.Dispose();
        Check(exit == 4, "exit code " + exit + ": " + errors);
        Check(!errors.ToString().Contains("S3cret!pass"), "the password was echoed on stderr");
    }

    private static void SessionStop()
    {
        // What a finally block of a stopping pipeline calls: it must do everything in .NET.
        List<object> registry = new List<object>();
        NativeSession session = new NativeSession(registry);
        Check(registry.Count == 1 && object.ReferenceEquals(registry[0], session), "the session did not register itself");
        Check(NativeSession.Snapshot(registry).Length == 1, "snapshot");
        string file = Path.Combine(Path.GetTempPath(), "licenseaudit-harness-" + Guid.NewGuid().ToString("N") + ".ndjson");
        session.Files.Add(file);
        File.WriteAllText(file, "{\"Identity\":\"Global\"}\n");
        session.Process = new NativeProcess(binary, Args("lync", "entitlement", "--users", "-",
            "--conferencing-policies", Example("conferencing-policies.json"), "--pools", Example("pools.xml")));
        int pid = session.Process.ProcessId;
        Check(session.Process.WriteLine(User(1)), "first write refused");
        Thread.Sleep(200);
        Check(!session.Process.HasExited, "child should be waiting on stdin");
        session.Stop();
        Check(session.Stopped, "not marked stopped");
        Check(Gone(pid, 5000), "child " + pid + " still running after Stop");
        Check(!File.Exists(file), "the session's file is still there");
        Check(registry.Count == 0, "still registered");
        session.Stop();
        // A session that never started an engine, with a file that was never written.
        NativeSession idle = new NativeSession(registry);
        idle.Files.Add(Path.Combine(Path.GetTempPath(), "licenseaudit-harness-missing-" + Guid.NewGuid().ToString("N")));
        idle.Stop();
        Check(registry.Count == 0 && idle.Stopped, "an idle session did not stop cleanly");
        new NativeSession(null).Stop();
    }

    private static void SessionDisposeAll()
    {
        MemoryStream plain = new MemoryStream();
        MemoryStream wrapped = new MemoryStream();
        NativeSession.DisposeAll(new object[] {
            plain, new System.Management.Automation.PSObject(new System.Management.Automation.PSObject(wrapped)), "not disposable", null
        });
        Check(!plain.CanRead, "a plain IDisposable was not disposed");
        Check(!wrapped.CanRead, "a PSObject-wrapped IDisposable was not disposed");
        NativeSession.DisposeAll(null);
    }

    private static void ArgumentsWithSpaces()
    {
        string dir = Path.Combine(Path.GetTempPath(), "licenseaudit harness " + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string policies = Path.Combine(dir, "conferencing policies.json");
            File.Copy(Example("conferencing-policies.json"), policies);
            List<string> records = new List<string>();
            using (NativeProcess p = new NativeProcess(binary, Args("lync", "policies", "--conferencing-policies", policies)))
            {
                p.CloseInput();
                string line;
                while (!p.OutputCompleted)
                {
                    if (p.TryTakeOutput(out line, 100)) { records.Add(line); }
                }
                Drain(p, records);
                Check(p.WaitForExit() == 0, "policies run failed");
            }
            Check(records.Count > 0, "no policy audit records");
            Check(records[0].Contains("\"RecordType\":\"LyncPolicyAudit\""), records[0]);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    // ---- Faults (issue #29): never-reading children, endless output, broken stdin. ----

    private static void SessionStopReason()
    {
        NativeSession session = new NativeSession(null);
        session.Stop("Remove-Module LicenseAudit");
        session.Stop("a second caller");
        Check(session.Stopped, "not stopped");
        Check(session.StopReason == "Remove-Module LicenseAudit", "reason: " + session.StopReason);
        NativeSession plain = new NativeSession(null);
        plain.Stop();
        Check(plain.StopReason == null, "a plain Stop() has a reason: " + plain.StopReason);
    }

    private static void WriteNeverRead()
    {
        NativeProcess p = new NativeProcess("/bin/sleep", new string[] { "30" });
        int pid = p.ProcessId;
        try
        {
            string line = new string('x', 4096);
            WriteOutcome outcome = WriteOutcome.Accepted;
            Stopwatch clock = Stopwatch.StartNew();
            // The queue, the chunk being written and the pipe fill; then each try waits 50 ms at most.
            for (int i = 0; i < 100000 && outcome == WriteOutcome.Accepted; i++) { outcome = p.TryWriteLine(line, 50); }
            Check(outcome == WriteOutcome.Full, "outcome " + outcome);
            Check(clock.ElapsedMilliseconds < 20000, "filling took " + clock.ElapsedMilliseconds + " ms");
            clock.Restart();
            Check(p.TryWriteLine(line, 100) == WriteOutcome.Full, "a full queue accepted a line");
            Check(clock.ElapsedMilliseconds < 2000, "a 100 ms try took " + clock.ElapsedMilliseconds + " ms");
            Check(!p.InputBroken, "reported broken while the child lives");
        }
        finally
        {
            Stopwatch clock = Stopwatch.StartNew();
            p.Dispose();
            Check(clock.ElapsedMilliseconds < NativeProcess.JoinTimeoutMilliseconds + 3000, "dispose took " + clock.ElapsedMilliseconds + " ms");
        }
        Check(Gone(pid, 5000), "child " + pid + " still running after dispose");
    }

    private static void OutputBounded()
    {
        NativeProcess p = new NativeProcess("/usr/bin/yes", new string[] { "{\"RecordType\":\"LyncUserCal\"}" });
        int pid = p.ProcessId;
        try
        {
            Thread.Sleep(1500);
            Check(p.PendingOutput <= NativeProcess.OutputCapacity, p.PendingOutput + " lines queued, capacity " + NativeProcess.OutputCapacity);
            Check(p.PendingOutput >= NativeProcess.OutputCapacity / 2, "only " + p.PendingOutput + " lines queued");
            Check(!p.HasExited && !p.OutputFaulted, "the writer was not simply held back");
            string line;
            int taken = 0;
            while (taken < 5000 && p.TryTakeOutput(out line, 1000)) { taken++; }
            Check(taken == 5000, "only " + taken + " lines after the queue drained");
        }
        finally { p.Dispose(); }
        Check(Gone(pid, 5000), "child " + pid + " still running after dispose");
    }

    private static void OutputTooLong()
    {
        int saved = NativeProcess.MaxLineCharacters;
        NativeProcess.MaxLineCharacters = 100000;
        NativeProcess p;
        try { p = new NativeProcess("/bin/sh", new string[] { "-c", "head -c 300000 /dev/zero | tr '\\0' a; echo; exec sleep 30" }); }
        finally { NativeProcess.MaxLineCharacters = saved; }
        int pid = p.ProcessId;
        try
        {
            Stopwatch clock = Stopwatch.StartNew();
            while (!p.OutputCompleted && clock.ElapsedMilliseconds < 10000) { string line; p.TryTakeOutput(out line, 100); }
            Check(p.OutputCompleted, "the output never completed");
            Check(p.OutputFaulted, "not reported as a fault");
            Check(p.PumpFault != null && p.PumpFault.Contains("longer than 100000"), "fault: " + p.PumpFault);
            Check(Gone(pid, 5000), "the child was not killed: nobody could read it any more");
        }
        finally { p.Dispose(); }
    }

    private static void InputBrokenCounts()
    {
        NativeProcess p = new NativeProcess("/bin/sh", new string[] { "-c", "head -n 5 >/dev/null" });
        try
        {
            WriteOutcome outcome = WriteOutcome.Accepted;
            long accepted = 0;
            string line = new string('y', 1000);
            Stopwatch clock = Stopwatch.StartNew();
            while (outcome != WriteOutcome.Broken && clock.ElapsedMilliseconds < 20000)
            {
                outcome = p.TryWriteLine(line, 50);
                if (outcome == WriteOutcome.Accepted) { accepted++; }
            }
            Check(outcome == WriteOutcome.Broken, "never reported broken");
            Check(p.InputBroken, "InputBroken not set");
            Check(p.LinesAccepted == accepted, "accepted " + p.LinesAccepted + " vs " + accepted);
            Check(p.LinesDelivered >= 5 && p.LinesDelivered < p.LinesAccepted, "delivered " + p.LinesDelivered + " of " + p.LinesAccepted);
            Check(p.InputFault != null, "no reason given");
            Check(p.WaitForExit() == 0, "exit code");
        }
        finally { p.Dispose(); }
    }

    private static void ParentPid()
    {
        List<string> lines = new List<string>();
        using (NativeProcess p = new NativeProcess("/bin/sh", new string[] { "-c", "echo \"$LICENSEAUDIT_PARENT_PID\"" }))
        {
            p.CloseInput();
            string line;
            while (!p.OutputCompleted) { if (p.TryTakeOutput(out line, 100)) { lines.Add(line); } }
            Check(p.WaitForExit() == 0, "exit code");
        }
        int self;
        using (Process me = Process.GetCurrentProcess()) { self = me.Id; }
        Check(lines.Count == 1 && lines[0] == self.ToString(System.Globalization.CultureInfo.InvariantCulture), "child saw '" + string.Join("|", lines.ToArray()) + "', this process is " + self);
    }

    private static void KillAllChildren()
    {
        NativeProcess a = new NativeProcess("/bin/sleep", new string[] { "30" });
        NativeProcess b = new NativeProcess("/bin/sleep", new string[] { "30" });
        try
        {
            NativeProcess.KillAll();
            Check(Gone(a.ProcessId, 5000) && Gone(b.ProcessId, 5000), "a child survived KillAll");
            int exit;
            Check(a.TryWaitForExit(5000, out exit), "no exit after KillAll");
        }
        finally { a.Dispose(); b.Dispose(); }
    }

    // ---- The checks before first use: EngineProbe, EngineDiagnosis, EngineCheck. ----

    private static string Script(string name, string body, bool executable)
    {
        string path = Path.Combine(Path.GetTempPath(), "licenseaudit-harness-" + Guid.NewGuid().ToString("N") + "-" + name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        if (executable)
        {
            Process chmod = Process.Start("/bin/chmod", "+x " + path);
            chmod.WaitForExit();
        }
        return path;
    }

    private static void ProbeVersion()
    {
        ProbeResult r = EngineProbe.Run(binary, new string[] { "--version" }, 30000);
        Check(r.Started && r.StartError == 0, "did not start: " + r.StartMessage);
        Check(!r.TimedOut, "timed out");
        Check(r.ExitCode == 0, "exit code " + r.ExitCode);
        Check(r.Output.Trim().StartsWith("license-audit "), "output: " + r.Output);
        if (version != null) { Check(r.Output.Trim() == "license-audit " + version, "output: " + r.Output + ", expected version " + version); }
    }

    private static void ProbeStartFailure()
    {
        string missing = Path.Combine(Path.GetTempPath(), "licenseaudit-harness-missing-" + Guid.NewGuid().ToString("N"));
        ProbeResult r = EngineProbe.Run(missing, new string[] { "--version" }, 5000);
        Check(!r.Started && r.StartError != 0, "a missing file started? error " + r.StartError);
        EngineDiagnosis d = EngineDiagnosis.StartFailure(r.StartError, r.StartMessage, false, false, missing);
        Console.Out.WriteLine("  missing file: error " + r.StartError + " -> " + d.Id);
        // Mono reports errno 2 as Win32 error 2 too (.NET on Linux: errno); both mean "not found".
        Check(r.StartError != 2 || d.Id == "EngineNotFound", d.Id);
        string plain = Script("no-exec-bit", "echo license-audit 0.0.0", false);
        try
        {
            r = EngineProbe.Run(plain, new string[] { "--version" }, 5000);
            Check(!r.Started && r.StartError != 0, "a file without the execute bit started");
            Console.Out.WriteLine("  no execute bit: error " + r.StartError + " (" + r.StartMessage + ")");
        }
        finally { File.Delete(plain); }
    }

    private static void ProbeTimeout()
    {
        string sleeper = Script("sleeper", "exec sleep 30", true);
        try
        {
            Stopwatch clock = Stopwatch.StartNew();
            ProbeResult r = EngineProbe.Run(sleeper, new string[] { "--version" }, 500);
            Check(r.Started, "did not start: " + r.StartMessage);
            Check(r.TimedOut, "not reported as timed out");
            Check(clock.ElapsedMilliseconds < 12000, "took " + clock.ElapsedMilliseconds + " ms");
        }
        finally { File.Delete(sleeper); }
    }

    private static void ProbeClosedStdin()
    {
        string reader = Script("reader", "cat >/dev/null; echo license-audit 9.9.9; echo a warning >&2; exit 0", true);
        try
        {
            ProbeResult r = EngineProbe.Run(reader, new string[] { "--version" }, 10000);
            Check(r.Started && !r.TimedOut, "stdin was not closed: timed out");
            Check(r.ExitCode == 0 && r.Output.Trim() == "license-audit 9.9.9", "output: " + r.Output);
            Check(r.Error.Trim() == "a warning", "stderr: " + r.Error);
        }
        finally { File.Delete(reader); }
        // A Linux loader failure: the dynamic linker's message on stderr, exit 127.
        string old = Script("old-glibc", "echo \"$0: /lib/x86_64-linux-gnu/libc.so.6: version \\`GLIBC_2.34' not found (required by $0)\" >&2; exit 127", true);
        try
        {
            ProbeResult r = EngineProbe.Run(old, new string[] { "--version" }, 10000);
            Check(r.ExitCode == 127, "exit " + r.ExitCode);
            EngineDiagnosis d = EngineDiagnosis.ExitFailure(r.ExitCode, false, r.Error, EngineCheck.OsDescription(), old);
            Check(d != null && d.Id == "EngineNeedsGlibc", d == null ? "no diagnosis" : d.Id);
            Check(d.Message.Contains("2.34") && d.Message.Contains("GLIBC_2.34"), d.Message);
        }
        finally { File.Delete(old); }
    }

    private static void DiagnosisExitCodes()
    {
        for (int own = 0; own <= 5; own++)
        {
            Check(EngineDiagnosis.ExitFailure(own, true, "", "Windows", "x.exe") == null, "exit " + own + " is the engine's own");
            Check(EngineDiagnosis.ExitFailure(own, false, "license-audit: error: x", "Linux", "x") == null, "exit " + own + " (Linux)");
        }
        EngineDiagnosis d = EngineDiagnosis.ExitFailure(unchecked((int)0xC0000139), true, "", "Microsoft Windows NT 6.3.9600.0", "C:\\m\\license-audit.exe");
        Check(d.Id == "EngineLoaderFailed", d.Id);
        Check(d.Message.Contains("0xC0000139 (-1073741511)") && d.Message.Contains("ProcessPrng") && d.Message.Contains("2012 R2")
            && d.Message.Contains("6.3.9600") && d.Message.Contains("no error output"), d.Message);
        string[] loader = { "C0000135", "C000007B", "C0000142" };
        foreach (string hex in loader)
        {
            int code = unchecked((int)Convert.ToUInt32(hex, 16));
            d = EngineDiagnosis.ExitFailure(code, true, "line one\r\n\r\nline two\r\n", "Windows", "x.exe");
            Check(d.Id == "EngineLoaderFailed" && d.Message.Contains("0x" + hex), hex + ": " + d.Message);
            Check(d.Message.Contains("line one | line two"), d.Message);
        }
        d = EngineDiagnosis.ExitFailure(unchecked((int)0xC0000005), true, "", "Windows", "x.exe");
        Check(d.Id == "EngineCrashed" && d.Message.Contains("0xC0000005"), d.Message);
        d = EngineDiagnosis.ExitFailure(101, false, "thread 'main' panicked at src/x.rs:1:1", "Linux", "x");
        Check(d.Id == "EngineCrashed" && d.Message.Contains("panicked") && d.Message.Contains("Exit code 101"), d.Message);
        d = EngineDiagnosis.ExitFailure(137, false, "", "Linux", "x");
        Check(d.Id == "EngineCrashed" && d.Message.Contains("signal 9"), d.Message);
        Check(EngineDiagnosis.ExitCodeText(-1073741515) == "0xC0000135 (-1073741515)", EngineDiagnosis.ExitCodeText(-1073741515));
        Check(EngineDiagnosis.ExitCodeText(7) == "7", EngineDiagnosis.ExitCodeText(7));
    }

    private static void DiagnosisStartErrors()
    {
        string[] expected = {
            "2:EngineNotFound", "3:EngineNotFound", "5:EngineBlocked", "1260:EngineBlocked", "4551:EngineBlocked",
            "225:EngineQuarantined", "193:EngineWrongArchitecture", "216:EngineWrongArchitecture", "1455:EngineStartFailed"
        };
        foreach (string pair in expected)
        {
            string[] parts = pair.Split(':');
            EngineDiagnosis d = EngineDiagnosis.StartFailure(int.Parse(parts[0]), "message", true, true, "C:\\m\\license-audit.exe");
            Check(d.Id == parts[1], "Windows " + parts[0] + ": " + d.Id);
            Check(d.Message.Contains("(error " + parts[0] + ")") && d.Message.Contains("license-audit.exe"), d.Message);
        }
        Check(EngineDiagnosis.StartFailure(5, "m", true, true, "x").Message.Contains("AppLocker"), "5 names AppLocker");
        Check(EngineDiagnosis.StartFailure(13, "Permission denied", false, true, "/m/license-audit").Id == "EngineNotExecutable", "13");
        Check(EngineDiagnosis.StartFailure(13, "Permission denied", false, true, "/m/license-audit").Message.Contains("noexec"), "13 noexec");
        Check(EngineDiagnosis.StartFailure(2, "No such file", false, true, "/m/license-audit").Id == "EngineNeedsGlibc", "2, file there");
        Check(EngineDiagnosis.StartFailure(2, "No such file", false, true, "/m/license-audit").Message.Contains("Alpine"), "Alpine");
        Check(EngineDiagnosis.StartFailure(2, "No such file", false, false, "/m/license-audit").Id == "EngineNotFound", "2, file gone");
        Check(EngineDiagnosis.StartFailure(8, "Exec format error", false, true, "/m/license-audit").Id == "EngineWrongArchitecture", "8");
        Check(EngineDiagnosis.StartFailure(13, "m", true, true, "x").Id == "EngineStartFailed", "13 on Windows is no errno");
    }

    private static void ChecksumEntry()
    {
        string a = new string('a', 64);
        string b = "0123456789ABCDEF0123456789abcdef0123456789ABCDEF0123456789abcdef";
        // sha256sum's two forms: "  " (text mode) and " *" (binary mode); CRLF from a Windows copy.
        string sums = a + "  linux-x64/license-audit\r\n" + b + " *win-x64/license-audit.exe\r\n\r\n";
        string problem;
        Check(EngineCheck.ExpectedHash(sums, "win-x64/license-audit.exe", out problem) == b.ToLowerInvariant(), "win-x64: " + problem);
        Check(EngineCheck.ExpectedHash(sums, "linux-x64/license-audit", out problem) == a, "linux-x64: " + problem);
        Check(EngineCheck.ExpectedHash(sums, "osx-arm64/license-audit", out problem) == null && problem.Contains("no line"), "missing entry");
        Check(EngineCheck.ExpectedHash(sums + a + "  win-x64/license-audit.exe\n", "win-x64/license-audit.exe", out problem) == null
            && problem.Contains("2 lines"), "two lines");
        Check(EngineCheck.ExpectedHash(sums, "./win-x64/license-audit.exe", out problem) == null, "a path is compared exactly");
        Check(EngineCheck.ExpectedHash(a.Substring(1) + "  win-x64/license-audit.exe", "win-x64/license-audit.exe", out problem) == null, "63 hex digits");
        Check(EngineCheck.ExpectedHash(null, "win-x64/license-audit.exe", out problem) == null, "no text");
    }

    private static void PackageSums()
    {
        string sums = File.ReadAllText(Path.Combine(packageBin, "SHA256SUMS"));
        string[] entries = { "linux-x64/license-audit", "win-x64/license-audit.exe" };
        foreach (string entry in entries)
        {
            string problem;
            string expected = EngineCheck.ExpectedHash(sums, entry, out problem);
            Check(expected != null, entry + ": " + problem);
            byte[] hash;
            using (System.Security.Cryptography.SHA256 sha = System.Security.Cryptography.SHA256.Create())
            using (FileStream file = File.OpenRead(Path.Combine(packageBin, entry.Replace('/', Path.DirectorySeparatorChar))))
            {
                hash = sha.ComputeHash(file);
            }
            string actual = BitConverter.ToString(hash).Replace("-", "");
            Check(string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase), entry + ": " + expected + " vs " + actual);
        }
    }

    private static void SystemDescription()
    {
        Check(EngineCheck.WindowsVersion() == null, "a Windows version on a system that is not Windows");
        string os = EngineCheck.OsDescription();
        Check(!string.IsNullOrEmpty(os), "no OS description");
        Console.Out.WriteLine("  system: " + os);
    }
}

namespace System.Management.Automation
{
    // Stand-in for PowerShell's PSObject, which wraps what cmdlets output: BaseObject is all
    // NativeSession.DisposeAll reads (by reflection, by this full type name).
    public sealed class PSObject
    {
        private readonly object baseObject;

        public PSObject(object baseObject) { this.baseObject = baseObject; }

        public object BaseObject
        {
            get
            {
                PSObject inner = baseObject as PSObject;
                return inner != null ? inner.BaseObject : baseObject;
            }
        }
    }
}
