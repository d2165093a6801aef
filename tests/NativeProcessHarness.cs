// Drives Private/NativeProcess.cs against the real license-audit binary, the way the cmdlets do,
// on hosts without PowerShell: compiled with `mcs -langversion:5` (the C# that Windows
// PowerShell 5.1's Add-Type accepts) together with NativeProcess.cs, run under Mono by
// native/tests/native_process_mono.rs.
//
//   mono harness.exe <license-audit binary> <repository root>
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
    private static int failures;
    private static string unhandled;

    public static int Main(string[] args)
    {
        if (args.Length != 2)
        {
            Console.Error.WriteLine("usage: harness.exe <license-audit binary> <repository root>");
            return 2;
        }
        binary = args[0];
        root = args[1];
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
        Run("session dispose-all looks through PSObject wrappers", SessionDisposeAll);

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
