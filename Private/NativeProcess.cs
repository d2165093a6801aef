// Runs license-audit with stdout and stderr pumped on background threads, so a PowerShell
// cmdlet can stream pipeline objects into stdin while records come back, without the pipe
// deadlock a single-threaded read/write loop risks. Plain C# 5: Windows PowerShell 5.1 compiles
// this with the .NET Framework compiler.
using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Threading;

namespace LicenseAudit
{
    public sealed class NativeProcess : IDisposable
    {
        private readonly Process process;
        private readonly StreamWriter input;
        private readonly BlockingCollection<string> output = new BlockingCollection<string>(new ConcurrentQueue<string>());
        private readonly ConcurrentQueue<string> errors = new ConcurrentQueue<string>();
        private readonly Thread outputPump;
        private readonly Thread errorPump;
        private bool inputBroken;

        public NativeProcess(string path, string[] arguments)
        {
            ProcessStartInfo info = new ProcessStartInfo(path, JoinArguments(arguments));
            info.UseShellExecute = false;
            info.CreateNoWindow = true;
            info.RedirectStandardInput = true;
            info.RedirectStandardOutput = true;
            info.RedirectStandardError = true;
            info.StandardOutputEncoding = new UTF8Encoding(false);
            info.StandardErrorEncoding = new UTF8Encoding(false);
            process = Process.Start(info);
            // UTF-8 without BOM, "\n" line ends: one JSON record per line.
            input = new StreamWriter(process.StandardInput.BaseStream, new UTF8Encoding(false), 65536);
            input.NewLine = "\n";
            outputPump = new Thread(PumpOutput);
            outputPump.IsBackground = true;
            outputPump.Start();
            errorPump = new Thread(PumpErrors);
            errorPump.IsBackground = true;
            errorPump.Start();
        }

        public int ProcessId { get { return process.Id; } }

        /// <summary>False once the binary has stopped reading (it exited, usually on an error
        /// that stderr explains).</summary>
        public bool WriteLine(string line)
        {
            if (inputBroken) { return false; }
            try { input.WriteLine(line); return true; }
            catch (IOException) { inputBroken = true; return false; }
            catch (ObjectDisposedException) { inputBroken = true; return false; }
        }

        public void WriteSecret(string secret)
        {
            // For --password-stdin: written once, never logged.
            WriteLine(secret);
        }

        public void CloseInput()
        {
            try { input.Flush(); input.Close(); }
            catch (IOException) { inputBroken = true; }
            catch (ObjectDisposedException) { }
        }

        public bool TryTakeOutput(out string line, int millisecondsTimeout)
        {
            return output.TryTake(out line, millisecondsTimeout);
        }

        public bool OutputCompleted { get { return output.IsCompleted; } }

        public bool TryTakeError(out string line)
        {
            return errors.TryDequeue(out line);
        }

        public int WaitForExit()
        {
            process.WaitForExit();
            outputPump.Join();
            errorPump.Join();
            return process.ExitCode;
        }

        public void Dispose()
        {
            try { if (!process.HasExited) { process.Kill(); } } catch (InvalidOperationException) { }
            process.Dispose();
        }

        private void PumpOutput()
        {
            try
            {
                string line;
                while ((line = process.StandardOutput.ReadLine()) != null) { output.Add(line); }
            }
            finally { output.CompleteAdding(); }
        }

        private void PumpErrors()
        {
            string line;
            while ((line = process.StandardError.ReadLine()) != null) { errors.Enqueue(line); }
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
}
