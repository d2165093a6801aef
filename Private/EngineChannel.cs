// The pipeline side of an engine run, compiled with Private/NativeProcess.cs into one assembly
// (Add-Type at import): RecordWriter turns a pipeline object into the JSON line the engine
// reads, RecordReader turns an output line into the typed record the cmdlets write, and
// EngineChannel moves them between a cmdlet and its LicenseAudit.NativeProcess. One call per
// input object from PowerShell (EngineChannel.TrySend), with no PowerShell function in between:
// issue #28 measured the chain of advanced functions, the per-object ConvertTo-Json and the
// script-side record building at ~11x per-object ConvertTo-Json.
//
// Exactness. The lines and records are those the script path made (ConvertTo-LicenseAuditRecord
// or ConvertTo-LicenseAuditTeamsUser, then ConvertTo-Json -Compress -Depth 4; ConvertFrom-Json,
// then ConvertFrom-LicenseAuditRecord): byte for byte and property for property, which
// tests/Codec.Tests.ps1 checks against those functions. Where this code is not sure to give the
// same (a value type it does not model, a PSObject-wrapped number whose ETS members ConvertTo-Json
// would look at, a JSON number or date form it does not parse), it says Unsupported and the
// channel runs the script path for that one object or line (the module's fallback script block),
// so unusual input costs time, never a difference. Two deliberate differences, both fixes
// (issue #29): text with a lone UTF-16 surrogate is refused with an error naming the object
// (ConvertTo-Json wrote it, and UTF-8 turned it into U+FFFD, merging identities), and a property
// whose getter throws is refused likewise (the script path sent the property as absent).
// Hashtables and [ordered] dictionaries are read by key (the script path read none of them).
//
// On Windows PowerShell 5.1 the lines are the same JSON in PowerShell 7's spelling (5.1's
// ConvertTo-Json escapes <>&' and writes dates as \/Date()\/; the engine reads both), and
// records are typed as 5.1's ConvertFrom-Json types them (Int32; anything else goes through the
// script path there).
//
// C# 5 only (Windows PowerShell 5.1's Add-Type), no API a later .NET marks obsolete (PowerShell
// 7's Add-Type makes warnings errors), and only API that PowerShell Standard 5.1 has: compiled
// with mcs against its reference assembly by native/tests/native_process_mono.rs.
using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.IO;
using System.Management.Automation;
using System.Text;

namespace LicenseAudit
{
    /// <summary>What a conversion gave.</summary>
    public enum CodecResult
    {
        /// <summary>Converted exactly.</summary>
        Ok = 0,
        /// <summary>Not modelled here: the script path must do it.</summary>
        Unsupported = 1,
        /// <summary>Refused (Problem and ProblemId say why): the object is not sent.</summary>
        Refused = 2,
        /// <summary>Not JSON (a line the engine should never write).</summary>
        Malformed = 3
    }

    /// <summary>JSON text as Newtonsoft.Json (PowerShell 7's ConvertTo-Json) writes it.</summary>
    public static class JsonText
    {
        /// <summary>$null as PowerShell compares it: null, or AutomationNull (what a command that
        /// output nothing leaves in a property).</summary>
        public static bool IsNull(object value)
        {
            return value == null || object.ReferenceEquals(value, System.Management.Automation.Internal.AutomationNull.Value);
        }

        /// <summary>True when <paramref name="text"/> holds a UTF-16 surrogate without its pair.</summary>
        public static bool HasLoneSurrogate(string text)
        {
            return LoneSurrogateAt(text) >= 0;
        }

        /// <summary>The index of the first unpaired surrogate, or -1.</summary>
        public static int LoneSurrogateAt(string text)
        {
            if (text == null) { return -1; }
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                if (c < '\uD800' || c > '\uDFFF') { continue; }
                if (c <= '\uDBFF' && i + 1 < text.Length && text[i + 1] >= '\uDC00' && text[i + 1] <= '\uDFFF') { i++; continue; }
                return i;
            }
            return -1;
        }

        /// <summary>Appends a JSON string: ", \ and control characters escaped, and U+0085,
        /// U+2028, U+2029 (StringEscapeHandling.Default). False, with nothing appended, for text
        /// with a lone surrogate.</summary>
        public static bool AppendString(StringBuilder json, string text)
        {
            // One pass: the surrogate check is part of the escape scan (issue #28), and what was
            // appended is taken back when a lone surrogate turns up.
            int start = json.Length;
            json.Append('"');
            int run = 0;
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                if (c >= ' ' && c < '\u0085' && c != '"' && c != '\\') { run++; continue; }
                if (c >= '\uD800' && c <= '\uDFFF')
                {
                    if (c <= '\uDBFF' && i + 1 < text.Length && text[i + 1] >= '\uDC00' && text[i + 1] <= '\uDFFF') { run += 2; i++; continue; }
                    json.Length = start;
                    return false;
                }
                string escape = null;
                if (c < ' ' || c == '"' || c == '\\' || c == '\u0085' || c == '\u2028' || c == '\u2029')
                {
                    switch (c)
                    {
                        case '"': escape = "\\\""; break;
                        case '\\': escape = "\\\\"; break;
                        case '\b': escape = "\\b"; break;
                        case '\t': escape = "\\t"; break;
                        case '\n': escape = "\\n"; break;
                        case '\f': escape = "\\f"; break;
                        case '\r': escape = "\\r"; break;
                        default: escape = "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture); break;
                    }
                }
                if (escape == null) { run++; continue; }
                if (run > 0) { json.Append(text, i - run, run); run = 0; }
                json.Append(escape);
            }
            if (run > 0) { json.Append(text, text.Length - run, run); }
            json.Append('"');
            return true;
        }

        /// <summary>A double as Newtonsoft writes it: round-trip text with ".0" when integral,
        /// NaN and infinities as strings.</summary>
        public static void AppendDouble(StringBuilder json, double value)
        {
            if (double.IsNaN(value)) { json.Append("\"NaN\""); return; }
            if (double.IsPositiveInfinity(value)) { json.Append("\"Infinity\""); return; }
            if (double.IsNegativeInfinity(value)) { json.Append("\"-Infinity\""); return; }
            string text = value.ToString("R", CultureInfo.InvariantCulture);
            json.Append(text);
            if (text.IndexOf('.') < 0 && text.IndexOf('E') < 0 && text.IndexOf('e') < 0) { json.Append(".0"); }
        }

        /// <summary>A DateTime as Newtonsoft writes it (ISO 8601, round-trip kind: Z for UTC, the
        /// local offset for Local, none for Unspecified).</summary>
        public static void AppendDate(StringBuilder json, DateTime value)
        {
            json.Append('"');
            json.Append(value.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss", CultureInfo.InvariantCulture));
            long fraction = value.Ticks % TimeSpan.TicksPerSecond;
            if (fraction != 0)
            {
                json.Append('.');
                json.Append(fraction.ToString("D7", CultureInfo.InvariantCulture).TrimEnd('0'));
            }
            if (value.Kind == DateTimeKind.Utc) { json.Append('Z'); }
            else if (value.Kind == DateTimeKind.Local)
            {
                TimeSpan offset = TimeZoneInfo.Local.GetUtcOffset(value);
                json.Append(offset.Ticks >= 0 ? '+' : '-');
                json.Append(Math.Abs(offset.Hours).ToString("D2", CultureInfo.InvariantCulture));
                json.Append(':');
                json.Append(Math.Abs(offset.Minutes).ToString("D2", CultureInfo.InvariantCulture));
            }
            json.Append('"');
        }
    }

    /// <summary>
    /// A pipeline object as the JSON line the engine reads. Record: ConvertTo-LicenseAuditRecord
    /// -Property (booleans, Int32, Int64, doubles and strings as they are, dates as ISO 8601 UTC,
    /// lists as lists of names, anything else as its name) then ConvertTo-Json -Compress -Depth 4.
    /// TeamsUser: ConvertTo-LicenseAuditTeamsUser -Property then the same. Whole: ConvertTo-Json
    /// -Compress -Depth 4 of the object itself (records piped from another cmdlet). One instance
    /// per run, used on the pipeline thread only.
    /// </summary>
    public sealed class RecordWriter
    {
        private readonly StringBuilder json = new StringBuilder(2048);
        private string problem;
        private string problemId;

        /// <summary>Why the last object was refused (null when it was not).</summary>
        public string Problem { get { return problem; } }

        /// <summary>The error id (without "LicenseAudit.") of the last refusal.</summary>
        public string ProblemId { get { return problemId; } }

        public CodecResult Record(object input, string[] properties, out string line)
        {
            line = null;
            problem = null;
            problemId = null;
            json.Length = 0;
            json.Append('{');
            bool first = true;
            foreach (string name in properties)
            {
                object value;
                int found = ReadProperty(input, name, out value);
                if (found < 0) { return CodecResult.Refused; }
                if (found == 0) { continue; }
                if (!first) { json.Append(','); }
                first = false;
                if (!Name(name)) { return CodecResult.Refused; }
                json.Append(':');
                CodecResult result = RecordValue(name, value);
                if (result != CodecResult.Ok) { return result; }
            }
            json.Append('}');
            line = json.ToString();
            return CodecResult.Ok;
        }

        public CodecResult TeamsUser(object input, string[] properties, out string line)
        {
            line = null;
            problem = null;
            problemId = null;
            json.Length = 0;
            json.Append('{');
            bool first = true;
            foreach (string name in properties)
            {
                object value;
                int found = ReadProperty(input, name, out value);
                if (found < 0) { return CodecResult.Refused; }
                if (found == 0) { continue; }
                if (!first) { json.Append(','); }
                first = false;
                if (!Name(name)) { return CodecResult.Refused; }
                json.Append(':');
                CodecResult result;
                if (string.Equals(name, "FeatureTypes", StringComparison.OrdinalIgnoreCase)) { result = TeamsFeatures(name, value); }
                else if (string.Equals(name, "AssignedPlan", StringComparison.OrdinalIgnoreCase)) { result = TeamsPlans(name, value); }
                else if (string.Equals(name, "TeamsIPPhonePolicy", StringComparison.OrdinalIgnoreCase) ||
                    string.Equals(name, "OnlineVoiceRoutingPolicy", StringComparison.OrdinalIgnoreCase) ||
                    string.Equals(name, "TeamsSharedCallingRoutingPolicy", StringComparison.OrdinalIgnoreCase)) { result = TeamsPolicy(name, value); }
                else { result = TeamsScalar(name, value); }
                if (result != CodecResult.Ok) { return result; }
            }
            json.Append('}');
            line = json.ToString();
            return CodecResult.Ok;
        }

        public CodecResult Whole(object input, out string line)
        {
            line = null;
            problem = null;
            problemId = null;
            json.Length = 0;
            CodecResult result = WholeValue(input, 0, "the object");
            if (result != CodecResult.Ok) { return result; }
            line = json.ToString();
            return CodecResult.Ok;
        }

        /// <summary>Whether <paramref name="input"/> has the property (a dictionary: the key).</summary>
        public static bool HasProperty(object input, string name)
        {
            if (input == null) { return false; }
            PSObject pso = input as PSObject;
            object target = pso != null ? pso.BaseObject : input;
            IDictionary dictionary = target as IDictionary;
            if (dictionary != null) { object key; return FindKey(dictionary, name, out key); }
            if (pso == null) { pso = PSObject.AsPSObject(input); }
            return pso.Properties[name] != null;
        }

        // 1 found (value set), 0 absent, -1 refused (its getter threw).
        private int ReadProperty(object input, string name, out object value)
        {
            value = null;
            PSObject pso = input as PSObject;
            object target = pso != null ? pso.BaseObject : input;
            IDictionary dictionary = target as IDictionary;
            if (dictionary != null)
            {
                object key;
                if (!FindKey(dictionary, name, out key)) { return 0; }
                try { value = dictionary[key]; }
                catch (PipelineStoppedException) { throw; }
                catch (Exception e) { return Refuse("PropertyUnreadable", "its " + name + " entry could not be read: " + Inner(e).Message); }
                return 1;
            }
            if (pso == null) { pso = PSObject.AsPSObject(input); }
            PSPropertyInfo property;
            try { property = pso.Properties[name]; }
            catch (PipelineStoppedException) { throw; }
            catch (Exception e) { return Refuse("PropertyUnreadable", "its " + name + " property could not be looked up: " + Inner(e).Message); }
            if (property == null) { return 0; }
            try { value = property.Value; }
            catch (PipelineStoppedException) { throw; }
            catch (Exception e) { return Refuse("PropertyUnreadable", "its " + name + " property could not be read: " + Inner(e).Message); }
            if (JsonText.IsNull(value)) { value = null; }
            return 1;
        }

        private static bool FindKey(IDictionary dictionary, string name, out object key)
        {
            key = null;
            try
            {
                if (dictionary.Contains(name)) { key = name; return true; }
                foreach (object candidate in dictionary.Keys)
                {
                    string text = candidate as string;
                    if (text != null && string.Equals(text, name, StringComparison.OrdinalIgnoreCase)) { key = candidate; return true; }
                }
            }
            catch (Exception) { }
            return false;
        }

        // GetValueInvocationException, MethodInvocationException and TargetInvocationException
        // wrap what a getter threw: the innermost message is the one worth showing.
        private static Exception Inner(Exception e)
        {
            for (int depth = 0; depth < 8 && e.InnerException != null; depth++) { e = e.InnerException; }
            return e;
        }

        private int Refuse(string id, string message)
        {
            problemId = id;
            problem = message;
            return -1;
        }

        private bool Name(string name)
        {
            if (JsonText.AppendString(json, name)) { return true; }
            problemId = "InvalidText";
            problem = "the property name '" + name + "' holds an unpaired UTF-16 surrogate";
            return false;
        }

        private CodecResult Text(string property, string text)
        {
            if (JsonText.AppendString(json, text)) { return CodecResult.Ok; }
            problemId = "InvalidText";
            problem = "its " + property + " text holds an unpaired UTF-16 surrogate (U+" +
                ((int)text[JsonText.LoneSurrogateAt(text)]).ToString("X4", CultureInfo.InvariantCulture) +
                " at position " + JsonText.LoneSurrogateAt(text) + "), which UTF-8 cannot carry; it would reach the engine as U+FFFD and could merge two identities";
            return CodecResult.Refused;
        }

        // ConvertTo-LicenseAuditRecord's value, as ConvertTo-Json writes it.
        private CodecResult RecordValue(string property, object value)
        {
            if (JsonText.IsNull(value)) { json.Append("null"); return CodecResult.Ok; }
            PSObject wrapped = value as PSObject;
            object b = wrapped != null ? wrapped.BaseObject : value;
            if (b is string) { return Text(property, (string)b); }
            if (b is bool || b is int || b is long || b is double)
            {
                // Kept as given: a wrapped one reaches ConvertTo-Json with its ETS members.
                if (wrapped != null) { return CodecResult.Unsupported; }
                return Primitive(b);
            }
            if (b is DateTime) { return Text(property, ((DateTime)b).ToUniversalTime().ToString("o", CultureInfo.InvariantCulture)); }
            if (b is DBNull) { return CodecResult.Unsupported; }
            if (b is IEnumerable)
            {
                if (b is IDictionary) { return CodecResult.Unsupported; }
                IEnumerable items = LanguagePrimitives.GetEnumerable(value);
                if (items == null) { return CodecResult.Unsupported; }
                json.Append('[');
                bool first = true;
                foreach (object item in items)
                {
                    if (!first) { json.Append(','); }
                    first = false;
                    CodecResult result = LicenseAuditText(property, item);
                    if (result != CodecResult.Ok) { return result; }
                }
                json.Append(']');
                return CodecResult.Ok;
            }
            return LicenseAuditText(property, value);
        }

        // ConvertTo-LicenseAuditText (a policy reference's FriendlyName, else [string]), as JSON.
        private CodecResult LicenseAuditText(string property, object value)
        {
            if (JsonText.IsNull(value)) { json.Append("null"); return CodecResult.Ok; }
            PSObject wrapped = value as PSObject;
            object b = wrapped != null ? wrapped.BaseObject : value;
            if (b is string) { return Text(property, (string)b); }
            if (b is bool)
            {
                if (wrapped != null) { return CodecResult.Unsupported; }
                json.Append((bool)b ? "true" : "false");
                return CodecResult.Ok;
            }
            if (b is DBNull || b is IDictionary) { return CodecResult.Unsupported; }
            PSObject pso = wrapped != null ? wrapped : PSObject.AsPSObject(value);
            PSPropertyInfo friendly;
            object name = null;
            try
            {
                friendly = pso.Properties["FriendlyName"];
                if (friendly != null) { name = friendly.Value; }
            }
            catch (PipelineStoppedException) { throw; }
            catch (Exception e)
            {
                problemId = "PropertyUnreadable";
                problem = "the FriendlyName of its " + property + " could not be read: " + Inner(e).Message;
                return CodecResult.Refused;
            }
            string text;
            try
            {
                if (name != null && LanguagePrimitives.IsTrue(name)) { text = LanguagePrimitives.ConvertTo<string>(name); }
                else { text = LanguagePrimitives.ConvertTo<string>(value); }
            }
            catch (PipelineStoppedException) { throw; }
            catch (Exception) { return CodecResult.Unsupported; }
            if (text == null) { json.Append("null"); return CodecResult.Ok; }
            return Text(property, text);
        }

        private CodecResult Primitive(object b)
        {
            if (b is bool) { json.Append((bool)b ? "true" : "false"); }
            else if (b is int) { json.Append(((int)b).ToString(CultureInfo.InvariantCulture)); }
            else if (b is long) { json.Append(((long)b).ToString(CultureInfo.InvariantCulture)); }
            else { JsonText.AppendDouble(json, (double)b); }
            return CodecResult.Ok;
        }

        // ConvertTo-LicenseAuditUcScalar.
        private CodecResult TeamsScalar(string property, object value)
        {
            if (JsonText.IsNull(value)) { json.Append("null"); return CodecResult.Ok; }
            PSObject wrapped = value as PSObject;
            object b = wrapped != null ? wrapped.BaseObject : value;
            if (b is string) { return Text(property, (string)b); }
            if (b is bool || b is int || b is long || b is double)
            {
                if (wrapped != null) { return CodecResult.Unsupported; }
                return Primitive(b);
            }
            if (b is DateTime) { return Text(property, ((DateTime)b).ToUniversalTime().ToString("o", CultureInfo.InvariantCulture)); }
            // [System.Convert]::ToString($Value, InvariantCulture): PowerShell hands .NET the base
            // object; a wrapped one (a PSCustomObject) or DBNull is left to the script path.
            if (wrapped != null || b is DBNull) { return CodecResult.Unsupported; }
            string text;
            try { text = Convert.ToString(b, CultureInfo.InvariantCulture); }
            catch (Exception) { return CodecResult.Unsupported; }
            if (text == null) { json.Append("null"); return CodecResult.Ok; }
            return Text(property, text);
        }

        // @($value) as PowerShell's array subexpression makes it: a collection's items, else the value.
        private static List<object> ArrayOf(object value, out bool unsupported)
        {
            unsupported = false;
            List<object> items = new List<object>();
            if (JsonText.IsNull(value)) { items.Add(null); return items; }
            PSObject wrapped = value as PSObject;
            object b = wrapped != null ? wrapped.BaseObject : value;
            if (b is IDictionary || b is DBNull) { unsupported = true; return items; }
            IEnumerable enumerable = (b is string) ? null : LanguagePrimitives.GetEnumerable(value);
            if (enumerable == null) { items.Add(value); return items; }
            foreach (object item in enumerable) { items.Add(JsonText.IsNull(item) ? null : item); }
            return items;
        }

        // [string]$x of one item; null when it is something only the script path models.
        private static bool StringOf(object item, out string text)
        {
            text = null;
            PSObject wrapped = item as PSObject;
            object b = wrapped != null ? wrapped.BaseObject : item;
            if (b is string) { text = (string)b; return true; }
            if (b is DBNull || b is IDictionary || (b is IEnumerable)) { return false; }
            try { text = LanguagePrimitives.ConvertTo<string>(item); }
            catch (PipelineStoppedException) { throw; }
            catch (Exception) { return false; }
            return text != null;
        }

        // FeatureTypes: @(@($value) | Where-Object { $null -ne $_ } | ForEach-Object { [string]$_ }).
        private CodecResult TeamsFeatures(string property, object value)
        {
            bool unsupported;
            List<object> items = ArrayOf(value, out unsupported);
            if (unsupported) { return CodecResult.Unsupported; }
            json.Append('[');
            bool first = true;
            foreach (object item in items)
            {
                if (item == null) { continue; }
                string text;
                if (!StringOf(item, out text)) { return CodecResult.Unsupported; }
                if (!first) { json.Append(','); }
                first = false;
                CodecResult result = Text(property, text);
                if (result != CodecResult.Ok) { return result; }
            }
            json.Append(']');
            return CodecResult.Ok;
        }

        // Get-LicenseAuditUcMember: the value of a property, $null without it. False: refused.
        private bool Member(object item, string property, string name, out object value, out bool unsupported)
        {
            value = null;
            unsupported = false;
            PSObject pso = item as PSObject;
            object b = pso != null ? pso.BaseObject : item;
            if (b is IDictionary || b is DBNull) { unsupported = true; return true; }
            if (pso == null) { pso = PSObject.AsPSObject(item); }
            try
            {
                PSPropertyInfo found = pso.Properties[name];
                if (found != null) { value = found.Value; }
                if (JsonText.IsNull(value)) { value = null; }
            }
            catch (PipelineStoppedException) { throw; }
            catch (Exception e)
            {
                problemId = "PropertyUnreadable";
                problem = "the " + name + " of its " + property + " could not be read: " + Inner(e).Message;
                return false;
            }
            if (value is DBNull) { unsupported = true; }
            return true;
        }

        // AssignedPlan: each plan as {Capability} or {Capability, CapabilityStatus, ServicePlanId}.
        private CodecResult TeamsPlans(string property, object value)
        {
            bool unsupported;
            List<object> items = ArrayOf(value, out unsupported);
            if (unsupported) { return CodecResult.Unsupported; }
            json.Append('[');
            bool first = true;
            foreach (object item in items)
            {
                if (item == null) { continue; }
                object capability;
                if (!Member(item, property, "Capability", out capability, out unsupported)) { return CodecResult.Refused; }
                if (unsupported) { return CodecResult.Unsupported; }
                if (!first) { json.Append(','); }
                first = false;
                string text;
                if (capability == null)
                {
                    if (!StringOf(item, out text)) { return CodecResult.Unsupported; }
                    json.Append("{\"Capability\":");
                    CodecResult one = Text(property, text);
                    if (one != CodecResult.Ok) { return one; }
                    json.Append('}');
                    continue;
                }
                object status;
                object plan;
                if (!Member(item, property, "CapabilityStatus", out status, out unsupported)) { return CodecResult.Refused; }
                if (unsupported) { return CodecResult.Unsupported; }
                if (!Member(item, property, "ServicePlanId", out plan, out unsupported)) { return CodecResult.Refused; }
                if (unsupported) { return CodecResult.Unsupported; }
                string[] names = { "Capability", "CapabilityStatus", "ServicePlanId" };
                object[] values = { capability, status, plan };
                json.Append('{');
                for (int i = 0; i < 3; i++)
                {
                    if (i > 0) { json.Append(','); }
                    json.Append('"').Append(names[i]).Append("\":");
                    if (values[i] == null) { text = ""; }
                    else if (!StringOf(values[i], out text)) { return CodecResult.Unsupported; }
                    CodecResult one = Text(property, text);
                    if (one != CodecResult.Ok) { return one; }
                }
                json.Append('}');
            }
            json.Append(']');
            return CodecResult.Ok;
        }

        // ConvertTo-LicenseAuditUcPolicy: {Authority, Name}, a name, or null.
        private CodecResult TeamsPolicy(string property, object value)
        {
            if (JsonText.IsNull(value)) { json.Append("null"); return CodecResult.Ok; }
            PSObject wrapped = value as PSObject;
            object b = wrapped != null ? wrapped.BaseObject : value;
            if (b is string) { return Text(property, (string)b); }
            object name;
            bool unsupported;
            if (!Member(value, property, "Name", out name, out unsupported)) { return CodecResult.Refused; }
            if (unsupported) { return CodecResult.Unsupported; }
            string text;
            if (name == null)
            {
                if (!StringOf(value, out text)) { return CodecResult.Unsupported; }
                return Text(property, text);
            }
            object authority;
            if (!Member(value, property, "Authority", out authority, out unsupported)) { return CodecResult.Refused; }
            if (unsupported) { return CodecResult.Unsupported; }
            json.Append("{\"Authority\":");
            if (authority == null) { text = ""; }
            else if (!StringOf(authority, out text)) { return CodecResult.Unsupported; }
            CodecResult result = Text(property, text);
            if (result != CodecResult.Ok) { return result; }
            json.Append(",\"Name\":");
            if (!StringOf(name, out text)) { return CodecResult.Unsupported; }
            result = Text(property, text);
            if (result != CodecResult.Ok) { return result; }
            json.Append('}');
            return CodecResult.Ok;
        }

        // ConvertTo-Json -Depth 4 of records and plain values; objects it would look at otherwise
        // (ETS members, .NET properties, enums, depth beyond 4) are left to the script path.
        private CodecResult WholeValue(object value, int depth, string property)
        {
            if (JsonText.IsNull(value)) { json.Append("null"); return CodecResult.Ok; }
            PSObject wrapped = value as PSObject;
            object b = wrapped != null ? wrapped.BaseObject : value;
            if (b is string) { return Text(property, (string)b); }
            if (b is DateTime) { JsonText.AppendDate(json, (DateTime)b); return CodecResult.Ok; }
            if (b is bool || b is int || b is long || b is double)
            {
                if (wrapped != null) { return CodecResult.Unsupported; }
                return Primitive(b);
            }
            if (b is PSCustomObject && wrapped != null)
            {
                if (depth > 4) { return CodecResult.Unsupported; }
                json.Append('{');
                bool first = true;
                foreach (PSPropertyInfo member in wrapped.Properties)
                {
                    PSNoteProperty note = member as PSNoteProperty;
                    if (note == null) { return CodecResult.Unsupported; }
                    if (!first) { json.Append(','); }
                    first = false;
                    if (!Name(note.Name)) { return CodecResult.Refused; }
                    json.Append(':');
                    CodecResult result = WholeValue(note.Value, depth + 1, note.Name);
                    if (result != CodecResult.Ok) { return result; }
                }
                json.Append('}');
                return CodecResult.Ok;
            }
            if (wrapped == null && (b is object[] || b is List<object>))
            {
                if (depth > 4) { return CodecResult.Unsupported; }
                json.Append('[');
                bool first = true;
                foreach (object item in (IEnumerable)b)
                {
                    if (!first) { json.Append(','); }
                    first = false;
                    CodecResult result = WholeValue(item, depth + 1, property);
                    if (result != CodecResult.Ok) { return result; }
                }
                json.Append(']');
                return CodecResult.Ok;
            }
            return CodecResult.Unsupported;
        }
    }

    /// <summary>
    /// An engine output line as the record the cmdlets write: ConvertFrom-Json as this
    /// PowerShell does it (7: Int64, Double and DateTime from ISO 8601 text as Newtonsoft.Json
    /// reads them; 5.1: Int32), then ConvertFrom-LicenseAuditRecord: the type name
    /// LicenseAudit.&lt;RecordType&gt;, dates as local DateTime, and a …Text companion of every list.
    /// </summary>
    public sealed class RecordReader
    {
        private readonly IDictionary shapes;
        private readonly bool core;
        private readonly Dictionary<string, string[][]> shapeCache = new Dictionary<string, string[][]>(StringComparer.Ordinal);
        private string text;
        private int pos;
        private CodecResult status;
        private readonly StringBuilder scratch = new StringBuilder(256);

        /// <param name="shapes">$script:LicenseAuditRecordShapes: type → @{ Dates; Lists }.</param>
        public RecordReader(IDictionary shapes)
        {
            this.shapes = shapes;
            core = typeof(PSObject).Assembly.GetName().Version.Major >= 6;
        }

        public CodecResult Read(string line, out object record)
        {
            record = null;
            text = line;
            pos = 0;
            status = CodecResult.Ok;
            SkipSpace();
            if (pos >= text.Length || text[pos] != '{')
            {
                // Not an object: an array or a scalar is not an engine record.
                return pos >= text.Length ? CodecResult.Malformed : CodecResult.Unsupported;
            }
            object value = ParseValue(0);
            if (status != CodecResult.Ok) { return status; }
            SkipSpace();
            if (pos != text.Length) { return CodecResult.Malformed; }
            JsonNode node = (JsonNode)value;
            string type;
            CodecResult shaped = Shape(node, out type);
            if (shaped != CodecResult.Ok) { return shaped; }
            PSObject pso = (PSObject)Materialize(node);
            if (type != null) { pso.TypeNames.Insert(0, TypeNameOf(type)); }
            record = pso;
            return CodecResult.Ok;
        }

        private readonly Dictionary<string, string> typeNameCache = new Dictionary<string, string>(StringComparer.Ordinal);

        // "LicenseAudit." + type, made once per record type.
        private string TypeNameOf(string type)
        {
            string name;
            if (!typeNameCache.TryGetValue(type, out name))
            {
                name = "LicenseAudit." + type;
                if (typeNameCache.Count < 256) { typeNameCache[type] = name; }
            }
            return name;
        }

        // A JSON object as read, before it becomes a PSObject: the dates and …Text columns are
        // worked out here, where a property is a list index, not a PSObject member lookup.
        private sealed class JsonNode
        {
            public readonly List<string> Names = new List<string>();
            public readonly List<object> Values = new List<object>();

            public int IndexOf(string name)
            {
                for (int i = 0; i < Names.Count; i++)
                {
                    if (string.Equals(Names[i], name, StringComparison.OrdinalIgnoreCase)) { return i; }
                }
                return -1;
            }

            public bool Has(string name, out object value)
            {
                int i = IndexOf(name);
                value = i < 0 ? null : Values[i];
                return i >= 0;
            }
        }

        // ConvertFrom-Json's objects: PSObjects of note properties, arrays as object[]. Names are
        // unique (checked while reading), so each is added without the member lookup of a plain Add.
        private static object Materialize(object value)
        {
            JsonNode node = value as JsonNode;
            if (node != null)
            {
                PSObject pso = new PSObject();
                for (int i = 0; i < node.Names.Count; i++)
                {
                    pso.Properties.Add(new PSNoteProperty(node.Names[i], Materialize(node.Values[i])), true);
                }
                return pso;
            }
            object[] items = value as object[];
            if (items != null)
            {
                for (int i = 0; i < items.Length; i++) { items[i] = Materialize(items[i]); }
                return items;
            }
            return value;
        }

        private CodecResult Shape(JsonNode record, out string type)
        {
            type = null;
            object typeValue;
            if (!record.Has("RecordType", out typeValue)) { return CodecResult.Ok; }
            type = typeValue as string;
            if (type == null) { return CodecResult.Unsupported; }
            string[][] shape = ShapeOf(type);
            if (shape == null) { return CodecResult.Ok; }
            foreach (string name in shape[0])
            {
                int i = record.IndexOf(name);
                if (i < 0) { continue; }
                object date;
                if (!LicenseAuditDate(record.Values[i], out date)) { return CodecResult.Unsupported; }
                record.Values[i] = date;
            }
            foreach (string name in shape[1])
            {
                int i = record.IndexOf(name);
                if (i < 0) { continue; }
                string listText;
                if (!ListText(record.Values[i], out listText)) { return CodecResult.Unsupported; }
                // Add-Member -Force: an existing property of that name goes, the new one is last.
                string textName = name + "Text";
                int existing = record.IndexOf(textName);
                if (existing >= 0)
                {
                    record.Names.RemoveAt(existing);
                    record.Values.RemoveAt(existing);
                }
                record.Names.Add(textName);
                record.Values.Add(listText);
            }
            return CodecResult.Ok;
        }

        private string[][] ShapeOf(string type)
        {
            string[][] shape;
            if (shapeCache.TryGetValue(type, out shape)) { return shape; }
            shape = null;
            object entry = shapes == null ? null : shapes[type];
            PSObject wrapped = entry as PSObject;
            IDictionary found = (wrapped != null ? wrapped.BaseObject : entry) as IDictionary;
            if (found != null) { shape = new string[][] { Names(found["Dates"]), Names(found["Lists"]) }; }
            shapeCache[type] = shape;
            return shape;
        }

        private static string[] Names(object value)
        {
            List<string> names = new List<string>();
            PSObject wrapped = value as PSObject;
            object b = wrapped != null ? wrapped.BaseObject : value;
            if (b is string) { names.Add((string)b); }
            else if (b is IEnumerable)
            {
                foreach (object item in (IEnumerable)b)
                {
                    if (item != null) { names.Add(LanguagePrimitives.ConvertTo<string>(item)); }
                }
            }
            return names.ToArray();
        }

        // ConvertTo-LicenseAuditDate: a local DateTime, $null for null or ''; other text as is.
        private static bool LicenseAuditDate(object value, out object date)
        {
            date = value;
            if (value == null) { return true; }
            if (value is DateTime)
            {
                DateTime d = (DateTime)value;
                if (d.Kind == DateTimeKind.Unspecified) { date = DateTime.SpecifyKind(d, DateTimeKind.Utc).ToLocalTime(); }
                else { date = d.ToLocalTime(); }
                return true;
            }
            string s = value as string;
            if (s == null) { return false; }
            if (s.Length == 0) { date = null; return true; }
            DateTime parsed;
            if (DateTime.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out parsed))
            {
                date = DateTime.SpecifyKind(parsed, DateTimeKind.Utc).ToLocalTime();
            }
            return true;
        }

        // [System.Convert]::ToString($value, InvariantCulture) of a value as ConvertFrom-Json made
        // it; false for a nested object (its PSObject text is left to the script path).
        private static bool Invariant(object value, out string text)
        {
            text = null;
            if (value is JsonNode) { return false; }
            text = value is object[] ? "System.Object[]" : Convert.ToString(value, CultureInfo.InvariantCulture);
            return true;
        }

        // ConvertTo-LicenseAuditListText. False: a shape only the script path models.
        private static bool ListText(object value, out string result)
        {
            result = "";
            if (value == null) { return true; }
            JsonNode single = value as JsonNode;
            if (single != null)
            {
                // One nested object (Evidence, Parameters): its properties.
                return Pairs(single, "; ", out result);
            }
            object[] items = value as object[];
            if (items == null)
            {
                if (value is string || value is ValueType) { items = new object[] { value }; }
                else { return false; }
            }
            List<string> texts = new List<string>();
            foreach (object item in items)
            {
                if (item == null) { continue; }
                string one;
                if (item is string || item is ValueType)
                {
                    Invariant(item, out one);
                    texts.Add(one);
                    continue;
                }
                JsonNode node = item as JsonNode;
                if (node == null || !ItemText(node, out one)) { return false; }
                texts.Add(one);
            }
            result = string.Join("; ", texts.ToArray());
            return true;
        }

        private static bool Pairs(JsonNode node, string separator, out string result)
        {
            result = null;
            string[] parts = new string[node.Names.Count];
            for (int i = 0; i < parts.Length; i++)
            {
                string value;
                if (!Invariant(node.Values[i], out value)) { return false; }
                parts[i] = node.Names[i] + "=" + value;
            }
            result = string.Join(separator, parts);
            return true;
        }

        // '{0}...' -f with string (or null) arguments only: other values would be formatted in
        // the session's culture, which only the script path reproduces.
        private static bool Str(object value, out string text)
        {
            text = null;
            if (value == null) { text = ""; return true; }
            text = value as string;
            return text != null;
        }

        private static bool ItemText(JsonNode item, out string text)
        {
            text = null;
            object cal, detail, source, counts, property, val, message, code, severity;
            bool hasCal = item.Has("Cal", out cal);
            bool hasDetail = item.Has("Detail", out detail);
            bool hasSource = item.Has("Source", out source);
            string a, b, c;
            object head = null;
            bool headed = false;
            if (hasCal && hasDetail) { head = cal; headed = true; }
            else if (item.Has("Counts", out counts) && hasDetail) { head = counts; headed = true; }
            if (headed)
            {
                // Reasons: "Cal: Detail (Source)"; uc count's: "Counts: Detail (Source)".
                if (!Str(head, out a) || !Str(detail, out b)) { return false; }
                text = a + ": " + b;
                if (hasSource && LanguagePrimitives.IsTrue(source))
                {
                    if (!Str(source, out c)) { return false; }
                    text += " (" + c + ")";
                }
                return true;
            }
            bool hasMessage = item.Has("Message", out message);
            if (item.Has("Property", out property) && item.Has("Value", out val) && hasSource && !hasMessage)
            {
                if (val is DateTime)
                {
                    DateTime d = (DateTime)val;
                    if (d.Kind == DateTimeKind.Unspecified) { d = DateTime.SpecifyKind(d, DateTimeKind.Utc); }
                    val = d.ToUniversalTime().ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss.FFFFFFF'+00:00'", CultureInfo.InvariantCulture);
                }
                if (!Str(property, out a) || !Str(source, out c)) { return false; }
                if (!(val == null || val is string || val is ValueType)) { return false; }
                Invariant(val, out b);
                text = a + "=" + b + " (" + c + ")";
                return true;
            }
            if (item.Has("Code", out code) && hasMessage)
            {
                string prefix = "";
                if (item.Has("Severity", out severity))
                {
                    if (!Str(severity, out prefix)) { return false; }
                    prefix += " ";
                }
                if (!Str(code, out a) || !Str(message, out b)) { return false; }
                text = prefix + a + ": " + b;
                return true;
            }
            return Pairs(item, ", ", out text);
        }

        // --- JSON ---------------------------------------------------------------------------

        private void SkipSpace()
        {
            while (pos < text.Length)
            {
                char c = text[pos];
                if (c != ' ' && c != '\t' && c != '\r' && c != '\n') { return; }
                pos++;
            }
        }

        private void Fail(CodecResult why)
        {
            if (status == CodecResult.Ok || why == CodecResult.Malformed) { status = why; }
        }

        private object ParseValue(int depth)
        {
            if (status != CodecResult.Ok) { return null; }
            if (depth > 64) { Fail(CodecResult.Unsupported); return null; }
            SkipSpace();
            if (pos >= text.Length) { Fail(CodecResult.Malformed); return null; }
            char c = text[pos];
            switch (c)
            {
                case '{': return ParseObject(depth);
                case '[': return ParseArray(depth);
                case '"':
                    {
                        bool escaped;
                        string s = ParseString(out escaped);
                        if (status != CodecResult.Ok) { return null; }
                        return StringValue(s, escaped);
                    }
                case 't': return Literal("true", true);
                case 'f': return Literal("false", false);
                case 'n': return Literal("null", null);
                default:
                    if (c == '-' || (c >= '0' && c <= '9')) { return ParseNumber(); }
                    Fail(CodecResult.Malformed);
                    return null;
            }
        }

        private object Literal(string word, object value)
        {
            if (string.CompareOrdinal(text, pos, word, 0, word.Length) != 0) { Fail(CodecResult.Malformed); return null; }
            pos += word.Length;
            return value;
        }

        private JsonNode ParseObject(int depth)
        {
            JsonNode result = new JsonNode();
            HashSet<string> seen = null;
            pos++;
            SkipSpace();
            if (pos < text.Length && text[pos] == '}') { pos++; return result; }
            while (status == CodecResult.Ok)
            {
                SkipSpace();
                if (pos >= text.Length || text[pos] != '"') { Fail(CodecResult.Malformed); return null; }
                string name = ParseName();
                if (status != CodecResult.Ok) { return null; }
                // An empty name, or one twice (PowerShell names are case-insensitive): ConvertFrom-Json's own errors.
                // A record's few names are compared in place; a HashSet only for a large object.
                if (name.Length == 0) { Fail(CodecResult.Unsupported); return null; }
                if (seen != null)
                {
                    if (!seen.Add(name)) { Fail(CodecResult.Unsupported); return null; }
                }
                else if (result.IndexOf(name) >= 0) { Fail(CodecResult.Unsupported); return null; }
                else if (result.Names.Count >= 32)
                {
                    seen = new HashSet<string>(result.Names, StringComparer.OrdinalIgnoreCase);
                    seen.Add(name);
                }
                SkipSpace();
                if (pos >= text.Length || text[pos] != ':') { Fail(CodecResult.Malformed); return null; }
                pos++;
                object value = ParseValue(depth + 1);
                if (status != CodecResult.Ok) { return null; }
                result.Names.Add(name);
                result.Values.Add(value);
                SkipSpace();
                if (pos >= text.Length) { Fail(CodecResult.Malformed); return null; }
                if (text[pos] == ',') { pos++; continue; }
                if (text[pos] == '}') { pos++; return result; }
                Fail(CodecResult.Malformed);
            }
            return null;
        }

        private object[] ParseArray(int depth)
        {
            List<object> items = new List<object>();
            pos++;
            SkipSpace();
            if (pos < text.Length && text[pos] == ']') { pos++; return items.ToArray(); }
            while (status == CodecResult.Ok)
            {
                object value = ParseValue(depth + 1);
                if (status != CodecResult.Ok) { return null; }
                items.Add(value);
                SkipSpace();
                if (pos >= text.Length) { Fail(CodecResult.Malformed); return null; }
                if (text[pos] == ',') { pos++; continue; }
                if (text[pos] == ']') { pos++; return items.ToArray(); }
                Fail(CodecResult.Malformed);
            }
            return null;
        }

        // Property names repeat on every line: each distinct one is made once (NameCapacity at
        // most), not a new string per record.
        private const int NameCapacity = 1024;
        private readonly string[] names = new string[NameCapacity * 2];
        private int nameCount;

        private string ParseName()
        {
            int start = pos + 1;
            int end = start;
            int hash = 17;
            while (end < text.Length)
            {
                char c = text[end];
                if (c == '"' || c == '\\' || c < ' ') { break; }
                hash = hash * 31 + c;
                end++;
            }
            if (end >= text.Length || text[end] != '"')
            {
                // Escapes, a control character or no end: the general reader decides.
                bool escaped;
                return ParseString(out escaped);
            }
            int length = end - start;
            int mask = names.Length - 1;
            int slot = hash & mask;
            while (true)
            {
                string known = names[slot];
                if (known == null)
                {
                    known = text.Substring(start, length);
                    if (nameCount < NameCapacity) { names[slot] = known; nameCount++; }
                    pos = end + 1;
                    return known;
                }
                if (known.Length == length && string.CompareOrdinal(known, 0, text, start, length) == 0)
                {
                    pos = end + 1;
                    return known;
                }
                slot = (slot + 1) & mask;
            }
        }

        private string ParseString(out bool escaped)
        {
            escaped = false;
            int start = ++pos;
            while (pos < text.Length)
            {
                char c = text[pos];
                if (c == '"') { string s = text.Substring(start, pos - start); pos++; return s; }
                if (c == '\\') { break; }
                // A raw control character: strict JSON refuses it, Newtonsoft may not.
                if (c < ' ') { Fail(CodecResult.Unsupported); return null; }
                pos++;
            }
            if (pos >= text.Length) { Fail(CodecResult.Malformed); return null; }
            escaped = true;
            scratch.Length = 0;
            scratch.Append(text, start, pos - start);
            while (pos < text.Length)
            {
                char c = text[pos];
                if (c == '"') { pos++; return scratch.ToString(); }
                if (c < ' ') { Fail(CodecResult.Unsupported); return null; }
                if (c != '\\') { scratch.Append(c); pos++; continue; }
                if (pos + 1 >= text.Length) { Fail(CodecResult.Malformed); return null; }
                char e = text[pos + 1];
                pos += 2;
                switch (e)
                {
                    case '"': scratch.Append('"'); break;
                    case '\\': scratch.Append('\\'); break;
                    case '/': scratch.Append('/'); break;
                    case 'b': scratch.Append('\b'); break;
                    case 'f': scratch.Append('\f'); break;
                    case 'n': scratch.Append('\n'); break;
                    case 'r': scratch.Append('\r'); break;
                    case 't': scratch.Append('\t'); break;
                    case 'u':
                        {
                            if (pos + 4 > text.Length) { Fail(CodecResult.Malformed); return null; }
                            int code = 0;
                            for (int i = 0; i < 4; i++)
                            {
                                int digit = HexDigit(text[pos + i]);
                                if (digit < 0) { Fail(CodecResult.Malformed); return null; }
                                code = code * 16 + digit;
                            }
                            pos += 4;
                            scratch.Append((char)code);
                            break;
                        }
                    default:
                        Fail(CodecResult.Malformed);
                        return null;
                }
            }
            Fail(CodecResult.Malformed);
            return null;
        }

        private static int HexDigit(char c)
        {
            if (c >= '0' && c <= '9') { return c - '0'; }
            if (c >= 'a' && c <= 'f') { return c - 'a' + 10; }
            if (c >= 'A' && c <= 'F') { return c - 'A' + 10; }
            return -1;
        }

        // A string value as ConvertFrom-Json gives it: on PowerShell 7 Newtonsoft reads ISO 8601
        // text as a DateTime; 5.1's reader turns "\/Date(...)\/" into one.
        private object StringValue(string s, bool escaped)
        {
            if (!core)
            {
                if (escaped && s.StartsWith("/Date(", StringComparison.Ordinal)) { Fail(CodecResult.Unsupported); }
                return s;
            }
            if (s.Length > 0 && s[0] == '/' && s.StartsWith("/Date(", StringComparison.Ordinal)) { Fail(CodecResult.Unsupported); return null; }
            if (s.Length >= 19 && s.Length <= 40 && char.IsDigit(s[0]) && s[10] == 'T')
            {
                DateTime date;
                if (!IsoDate(s, out date)) { Fail(CodecResult.Unsupported); return null; }
                return date;
            }
            return s;
        }

        private static bool Digits(string s, int at, int count, out int value)
        {
            value = 0;
            if (at + count > s.Length) { return false; }
            for (int i = 0; i < count; i++)
            {
                char c = s[at + i];
                if (c < '0' || c > '9') { return false; }
                value = value * 10 + (c - '0');
            }
            return true;
        }

        // yyyy-MM-ddTHH:mm:ss[.f{1,7}][Z|±HH:mm], read as Newtonsoft does with
        // DateTimeZoneHandling.RoundtripKind. Any other form: false (the script path decides).
        private static bool IsoDate(string s, out DateTime date)
        {
            date = DateTime.MinValue;
            int year, month, day, hour, minute, second;
            if (!Digits(s, 0, 4, out year) || s[4] != '-' || !Digits(s, 5, 2, out month) || s[7] != '-' || !Digits(s, 8, 2, out day) ||
                s[10] != 'T' || !Digits(s, 11, 2, out hour) || s[13] != ':' || !Digits(s, 14, 2, out minute) || s[16] != ':' ||
                !Digits(s, 17, 2, out second))
            {
                return false;
            }
            if (year < 1 || month < 1 || month > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
            {
                return false;
            }
            int i = 19;
            long fraction = 0;
            if (i < s.Length && s[i] == '.')
            {
                i++;
                int digits = 0;
                while (i < s.Length && s[i] >= '0' && s[i] <= '9' && digits < 8) { fraction = fraction * 10 + (s[i] - '0'); i++; digits++; }
                if (digits == 0 || digits > 7) { return false; }
                for (; digits < 7; digits++) { fraction *= 10; }
            }
            DateTime local = new DateTime(year, month, day, hour, minute, second).AddTicks(fraction);
            if (i == s.Length) { date = local; return true; }
            if (s[i] == 'Z' && i + 1 == s.Length) { date = new DateTime(local.Ticks, DateTimeKind.Utc); return true; }
            if ((s[i] == '+' || s[i] == '-') && i + 6 == s.Length && s[i + 3] == ':')
            {
                int zoneHour, zoneMinute;
                if (!Digits(s, i + 1, 2, out zoneHour) || !Digits(s, i + 4, 2, out zoneMinute) || zoneHour > 23 || zoneMinute > 59) { return false; }
                long offset = new TimeSpan(zoneHour, zoneMinute, 0).Ticks;
                long ticks = s[i] == '+' ? local.Ticks - offset : local.Ticks + offset;
                if (ticks < DateTime.MinValue.Ticks || ticks > DateTime.MaxValue.Ticks) { return false; }
                date = new DateTime(ticks, DateTimeKind.Utc).ToLocalTime();
                return true;
            }
            return false;
        }

        private object ParseNumber()
        {
            int start = pos;
            if (text[pos] == '-') { pos++; }
            int intStart = pos;
            while (pos < text.Length && text[pos] >= '0' && text[pos] <= '9') { pos++; }
            int intDigits = pos - intStart;
            if (intDigits == 0) { Fail(CodecResult.Malformed); return null; }
            // Newtonsoft reads a leading 0 followed by digits as octal: not an engine number.
            if (intDigits > 1 && text[intStart] == '0') { Fail(CodecResult.Unsupported); return null; }
            bool integral = true;
            if (pos < text.Length && text[pos] == '.')
            {
                integral = false;
                pos++;
                int fracStart = pos;
                while (pos < text.Length && text[pos] >= '0' && text[pos] <= '9') { pos++; }
                if (pos == fracStart) { Fail(CodecResult.Malformed); return null; }
            }
            if (pos < text.Length && (text[pos] == 'e' || text[pos] == 'E'))
            {
                integral = false;
                pos++;
                if (pos < text.Length && (text[pos] == '+' || text[pos] == '-')) { pos++; }
                int expStart = pos;
                while (pos < text.Length && text[pos] >= '0' && text[pos] <= '9') { pos++; }
                if (pos == expStart) { Fail(CodecResult.Malformed); return null; }
            }
            string number = text.Substring(start, pos - start);
            if (core)
            {
                if (integral)
                {
                    long l;
                    if (long.TryParse(number, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out l)) { return l; }
                    Fail(CodecResult.Unsupported);
                    return null;
                }
                double d;
                if (double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out d) && !double.IsInfinity(d)) { return d; }
                Fail(CodecResult.Unsupported);
                return null;
            }
            int n;
            if (integral && int.TryParse(number, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out n)) { return n; }
            Fail(CodecResult.Unsupported);
            return null;
        }
    }

    /// <summary>
    /// One engine run seen from its cmdlet: pipeline objects in (converted per Kind, queued for
    /// stdin with a bounded wait), records out (read, routed to the pipeline or to a -*Variable
    /// list, returned to the caller to write). Every method is called on the pipeline thread;
    /// none blocks without returning to PowerShell within its timeout, and a stop request
    /// (Ctrl+C, StopProcessing) seen while waiting ends the call with PipelineStoppedException.
    /// After each call, Status says what PowerShell must do next (0: nothing).
    /// </summary>
    public sealed class EngineChannel
    {
        /// <summary>Status: stderr lines wait for Receive-LicenseAuditNativeDiagnostic.</summary>
        public const int Diagnostics = 1;
        /// <summary>Status: the items were not taken (engine not started, an identity to look up,
        /// a system row the engine cannot take now): the script path must handle them.</summary>
        public const int NeedsScript = 2;
        /// <summary>Status: the run cannot go on (the engine stopped reading, its output could not
        /// be read, or the session was stopped): end it now and report the outcome.</summary>
        public const int Ended = 4;
        /// <summary>Status (Drain): all output has been read.</summary>
        public const int Completed = 8;

        private const int RecentCapacity = 8192;
        private const int MaxRecordsPerCall = 512;
        private const int MaxInvalidReported = 10;
        private static readonly object[] NoRecords = new object[0];

        private readonly NativeSession session;
        private readonly PSCmdlet cmdlet;
        private readonly bool outputAll;
        private readonly HashSet<string> outputTypes = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        private readonly HashSet<string> collectTypes = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        private readonly IDictionary collected;
        private readonly RecordReader reader;
        private readonly RecordWriter writer = new RecordWriter();
        private readonly ScriptBlock fallback;
        private readonly List<object> records = new List<object>();
        private readonly object[] recentInputs = new object[RecentCapacity];
        private readonly long[] recentNumbers = new long[RecentCapacity];
        private string kind = "Whole";
        private string[] properties = new string[0];
        private string[] systemProperties = new string[0];
        private bool systemsInStream = true;
        private bool identityLookup;
        private bool unrollArrays;
        private readonly List<KeyValuePair<string, string>> typeNames = new List<KeyValuePair<string, string>>();
        private long sent;
        private long refused;
        private long notAccepted;
        private int invalidLines;
        private string firstInvalidLine;
        private int status;

        /// <param name="session">The run's session (its Process, once started, and whether it was stopped).</param>
        /// <param name="cmdlet">The calling cmdlet: errors are written through it, its Stopping is watched.</param>
        /// <param name="outputTypes">Record types returned for the pipeline (all when empty).</param>
        /// <param name="collectTypes">Record types added to collected[type] (an IList each).</param>
        /// <param name="shapes">$script:LicenseAuditRecordShapes.</param>
        /// <param name="fallback">The script path: { param($Kind, $InputObject, $Property) } returns a
        /// line for Kind Record/TeamsUser/Whole, and for Kind 'Read' ($InputObject the line) the records.</param>
        public EngineChannel(NativeSession session, PSCmdlet cmdlet, string[] outputTypes, string[] collectTypes, IDictionary collected,
            IDictionary shapes, ScriptBlock fallback)
        {
            this.session = session;
            this.cmdlet = cmdlet;
            if (outputTypes != null) { foreach (string t in outputTypes) { if (!string.IsNullOrEmpty(t)) { this.outputTypes.Add(t); } } }
            outputAll = this.outputTypes.Count == 0;
            if (collectTypes != null) { foreach (string t in collectTypes) { if (!string.IsNullOrEmpty(t)) { this.collectTypes.Add(t); } } }
            this.collected = collected;
            this.fallback = fallback;
            reader = new RecordReader(shapes);
        }

        /// <summary>How an input object becomes a line: Record (Properties selected as
        /// ConvertTo-LicenseAuditRecord does), TeamsUser (ConvertTo-LicenseAuditTeamsUser), Ual
        /// (Record, with SystemProperties for Get-UalSystemId rows), Whole (the object as it is).</summary>
        public string Kind { get { return kind; } set { kind = value ?? "Whole"; } }

        public string[] Properties { get { return properties; } set { properties = value ?? new string[0]; } }

        public string[] SystemProperties { get { return systemProperties; } set { systemProperties = value ?? new string[0]; } }

        /// <summary>Ual: Get-UalSystemId rows may go in the stream (engine 0.2.0); otherwise the
        /// script path keeps them.</summary>
        public bool SystemsInStream { get { return systemsInStream; } set { systemsInStream = value; } }

        /// <summary>Strings piped in are identities the script path looks up (Get-CsUser -Identity).</summary>
        public bool IdentityLookup { get { return identityLookup; } set { identityLookup = value; } }

        /// <summary>One level of arrays in the input is unrolled (Teams: ConvertFrom-Json on 5.1).</summary>
        public bool UnrollArrays { get { return unrollArrays; } set { unrollArrays = value; } }

        public int Status { get { return status; } }

        /// <summary>Puts <paramref name="typeName"/> in front of the type names of every record of
        /// <paramref name="recordType"/> read from now on (a view of the cmdlet's own, e.g.
        /// Get-TeamsLicenseCount's Teams-only table).</summary>
        public void AddTypeName(string recordType, string typeName)
        {
            typeNames.Add(new KeyValuePair<string, string>(recordType, typeName));
        }

        /// <summary>Lines handed to the engine (or refused by it), the record numbers it names.</summary>
        public long Sent { get { return sent; } }

        /// <summary>Input objects refused here (an error was written for each).</summary>
        public long Refused { get { return refused; } }

        /// <summary>Lines the engine never took because it had stopped reading.</summary>
        public long NotAccepted { get { return notAccepted; } }

        /// <summary>Output lines that were not JSON records (an error was written for the first ones).</summary>
        public int InvalidLines { get { return invalidLines; } }

        public string FirstInvalidLine { get { return firstInvalidLine; } }

        private NativeProcess Process { get { return session == null ? null : session.Process; } }

        /// <summary>The object piped in that became record <paramref name="number"/> (the engine's
        /// numbering of stdin), while it is among the last 8192; null otherwise.</summary>
        public object RecentInput(long number)
        {
            int slot = (int)(number % RecentCapacity);
            if (number <= 0 || recentNumbers[slot] != number) { return null; }
            return recentInputs[slot];
        }

        /// <summary>The process block's path: sends every item when all can be taken here, and
        /// returns the records already back. Status NeedsScript (nothing sent) otherwise.</summary>
        public object[] TrySend(object[] items)
        {
            records.Clear();
            status = 0;
            NativeProcess process = Process;
            if (process == null) { status = NeedsScript; return NoRecords; }
            if (items != null)
            {
                foreach (object item in items)
                {
                    if (!CanTake(item)) { status = NeedsScript | StateFlags(process); return NoRecords; }
                }
                foreach (object item in items)
                {
                    if (item == null) { continue; }
                    if (unrollArrays && Unwrap(item) is Array)
                    {
                        foreach (object inner in (Array)Unwrap(item))
                        {
                            if (inner != null && !SendOne(process, inner, inner)) { break; }
                        }
                        continue;
                    }
                    if (!SendOne(process, item, item)) { break; }
                }
            }
            Collect(process, MaxRecordsPerCall);
            status |= StateFlags(process);
            return Records();
        }

        /// <summary>TrySend of one object.</summary>
        public object[] TrySendOne(object item)
        {
            return TrySend(new object[] { item });
        }

        /// <summary>Converts one object (per Kind) and sends it; <paramref name="target"/> is what
        /// an engine error about it names (the object piped in).</summary>
        public object[] Send(object record, object target)
        {
            records.Clear();
            status = 0;
            NativeProcess process = Process;
            if (process == null) { status = NeedsScript; return NoRecords; }
            if (record != null) { SendOne(process, record, target == null ? record : target); }
            Collect(process, MaxRecordsPerCall);
            status |= StateFlags(process);
            return Records();
        }

        /// <summary>Sends a line as it is.</summary>
        public object[] SendLine(string line, object target)
        {
            records.Clear();
            status = 0;
            NativeProcess process = Process;
            if (process == null) { status = NeedsScript; return NoRecords; }
            Enqueue(process, line, target);
            Collect(process, MaxRecordsPerCall);
            status |= StateFlags(process);
            return Records();
        }

        /// <summary>The records back so far, without waiting.</summary>
        public object[] Poll()
        {
            records.Clear();
            status = 0;
            NativeProcess process = Process;
            if (process == null) { return NoRecords; }
            Collect(process, MaxRecordsPerCall);
            status = StateFlags(process);
            return Records();
        }

        /// <summary>After CloseInput: the next records, waiting up to <paramref name="milliseconds"/>
        /// for one. Status Completed once all output is read.</summary>
        public object[] Drain(int milliseconds)
        {
            records.Clear();
            status = 0;
            NativeProcess process = Process;
            if (process == null || process.IsDisposed) { status = Completed | (process == null ? 0 : Ended); return NoRecords; }
            System.Diagnostics.Stopwatch clock = System.Diagnostics.Stopwatch.StartNew();
            while (records.Count == 0)
            {
                Collect(process, MaxRecordsPerCall);
                if (records.Count > 0) { break; }
                if (process.OutputCompleted || (process.PendingOutput == 0 && process.OutputAbandoned)) { status |= Completed; break; }
                if (process.PendingErrors > 0) { break; }
                if (clock.ElapsedMilliseconds >= milliseconds) { break; }
                if (cmdlet != null && cmdlet.Stopping) { throw new PipelineStoppedException(); }
                string line;
                if (process.TryTakeOutput(out line, 50)) { Route(line); }
            }
            if (records.Count == 0 && (process.OutputCompleted || (process.PendingOutput == 0 && process.OutputAbandoned))) { status |= Completed; }
            status |= StateFlags(process);
            return Records();
        }

        /// <summary>Stops the commands upstream of <paramref name="cmdlet"/> as Select-Object -First
        /// does (PowerShell's StopUpstreamCommandsException, not public, found by reflection:
        /// thrown from .NET it is honoured where a script's throw is not). Returns without
        /// throwing when this PowerShell has no such exception.</summary>
        public static void StopUpstream(PSCmdlet cmdlet)
        {
            Exception stop = null;
            try
            {
                Type type = typeof(PSObject).Assembly.GetType("System.Management.Automation.StopUpstreamCommandsException");
                if (type != null && cmdlet != null)
                {
                    foreach (System.Reflection.ConstructorInfo constructor in type.GetConstructors(System.Reflection.BindingFlags.Public |
                        System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance))
                    {
                        System.Reflection.ParameterInfo[] parameters = constructor.GetParameters();
                        if (parameters.Length == 1 && parameters[0].ParameterType.IsInstanceOfType(cmdlet))
                        {
                            stop = (Exception)constructor.Invoke(new object[] { cmdlet });
                            break;
                        }
                    }
                }
            }
            catch (Exception) { stop = null; }
            if (stop != null) { throw stop; }
        }

        private object[] Records()
        {
            if (records.Count == 0) { return NoRecords; }
            object[] all = records.ToArray();
            records.Clear();
            return all;
        }

        private int StateFlags(NativeProcess process)
        {
            int flags = 0;
            if (process.PendingErrors > 0) { flags |= Diagnostics; }
            if (process.InputBroken || process.OutputFaulted || process.IsDisposed || (session != null && session.Stopped) || notAccepted > 0)
            {
                flags |= Ended;
            }
            return flags;
        }

        private static object Unwrap(object item)
        {
            PSObject pso = item as PSObject;
            return pso != null ? pso.BaseObject : item;
        }

        private bool CanTake(object item)
        {
            if (item == null) { return true; }
            object b = Unwrap(item);
            if (identityLookup && b is string) { return false; }
            // A user named by property (an Import-Csv row, an object with only SipAddress or
            // Identity): no Enabled, which every Get-CsUser object has. The script path looks it
            // up with Get-CsUser -Identity (Get-LicenseAuditLyncUserIdentity).
            if (identityLookup && !RecordWriter.HasProperty(item, "Enabled")) { return false; }
            if (kind == "Ual")
            {
                // Get-UalCalEvidence's note of a server without evidence: for the script path, which
                // sends it on (the engine reads it among the evidence) or, for an engine before
                // 0.2.0, keeps it.
                PSObject pso = item as PSObject;
                if (pso != null && pso.TypeNames.Count > 0 && pso.TypeNames[0] == "LicenseAudit.UalEvidenceGap") { return false; }
                if (!systemsInStream && IsSystem(item)) { return false; }
            }
            return true;
        }

        private static bool IsSystem(object item)
        {
            return RecordWriter.HasProperty(item, "SystemDNSHostName") || RecordWriter.HasProperty(item, "OSMajor");
        }

        /// <summary>Input objects converted by the script path (what RecordWriter does not model).</summary>
        public long ScriptConversions { get { return scriptConversions; } }

        /// <summary>Output lines read by the script path (what RecordReader does not model).</summary>
        public long ScriptReads { get { return scriptReads; } }

        private long scriptConversions;
        private long scriptReads;

        /// <summary>The line an object becomes (per Kind, the script path for what RecordWriter does
        /// not model), or null when it is refused (an error is written, naming
        /// <paramref name="target"/>). What Send sends; public for tests/Codec.Tests.ps1.</summary>
        public string LineOf(object record, object target)
        {
            string line;
            CodecResult result = Convert(record, out line);
            if (result == CodecResult.Unsupported)
            {
                scriptConversions++;
                result = Script(record, out line);
                // RecordWriter refuses a lone surrogate itself (every text goes through
                // JsonText.AppendString); ConvertTo-Json's line is checked here.
                if (result == CodecResult.Ok && JsonText.HasLoneSurrogate(line))
                {
                    result = CodecResult.Refused;
                }
            }
            if (result != CodecResult.Ok)
            {
                string why = writer.Problem ?? "it has text with an unpaired UTF-16 surrogate, which UTF-8 cannot carry";
                string id = writer.ProblemId ?? "InvalidText";
                refused++;
                WriteRefusal(id, why, target);
                return null;
            }
            return line;
        }

        /// <summary>The record(s) an output line becomes (RecordReader, else the script path), or
        /// null when the line is not JSON. What Drain returns; public for tests/Codec.Tests.ps1.</summary>
        public object ReadLine(string line)
        {
            object record;
            CodecResult result = reader.Read(line, out record);
            if (result == CodecResult.Ok) { return record; }
            // Not JSON at all (a half line, text): nothing the script path would read either.
            if (result == CodecResult.Malformed) { return null; }
            scriptReads++;
            if (ReadByScript(line, out record)) { return record; }
            return null;
        }

        // False when the run cannot take more (the engine stopped reading).
        private bool SendOne(NativeProcess process, object record, object target)
        {
            string line = LineOf(record, target);
            if (line == null) { return true; }
            return Enqueue(process, line, target);
        }

        private CodecResult Convert(object record, out string line)
        {
            line = null;
            switch (kind)
            {
                case "Record": return writer.Record(record, properties, out line);
                case "TeamsUser": return writer.TeamsUser(record, properties, out line);
                case "Ual": return writer.Record(record, IsSystem(record) ? systemProperties : properties, out line);
                default: return writer.Whole(record, out line);
            }
        }

        private string scriptProblem;

        private CodecResult Script(object record, out string line)
        {
            line = null;
            scriptProblem = null;
            if (fallback == null) { return CodecResult.Refused; }
            string[] selected = kind == "Ual" ? (IsSystem(record) ? systemProperties : properties) : properties;
            string scriptKind = kind == "Ual" ? "Record" : kind;
            Collection<PSObject> result;
            // Wrapped again: the script path saw the pipeline's PSObject (its ETS members included).
            try { result = fallback.Invoke(scriptKind, PSObject.AsPSObject(record), selected); }
            catch (PipelineStoppedException) { throw; }
            catch (ActionPreferenceStopException) { throw; }
            catch (Exception e)
            {
                Exception inner = e;
                while (inner.InnerException != null) { inner = inner.InnerException; }
                scriptProblem = inner.Message;
                return CodecResult.Refused;
            }
            if (result == null || result.Count == 0 || result[0] == null) { return CodecResult.Refused; }
            line = result[0].BaseObject as string;
            return line == null ? CodecResult.Refused : CodecResult.Ok;
        }

        private void WriteRefusal(string id, string why, object target)
        {
            if (scriptProblem != null && writer.Problem == null)
            {
                id = "PropertyUnreadable";
                why = "it could not be converted: " + scriptProblem;
                scriptProblem = null;
            }
            string message = "An input object was not sent to the engine, so it is missing from the results: " + why + ".";
            ErrorRecord error = new ErrorRecord(new InvalidDataException(message), "LicenseAudit." + id, ErrorCategory.InvalidData, target);
            if (cmdlet != null) { cmdlet.WriteError(error); }
        }

        // Queues a line, draining output while the engine is busy; false when it no longer reads.
        private bool Enqueue(NativeProcess process, string line, object target)
        {
            long number = ++sent;
            int slot = (int)(number % RecentCapacity);
            recentNumbers[slot] = number;
            recentInputs[slot] = target;
            while (true)
            {
                WriteOutcome outcome = process.TryWriteLine(line, 0);
                if (outcome == WriteOutcome.Accepted) { return true; }
                if (outcome == WriteOutcome.Broken) { notAccepted++; return false; }
                // The engine reads slower than the pipeline writes: take its output meanwhile (it
                // may be blocked writing it, and then it reads no more), and let a stop request
                // end the wait. What is taken is bounded by what the engine makes of the lines
                // queued and in the pipe.
                Collect(process, int.MaxValue);
                if (cmdlet != null && cmdlet.Stopping) { throw new PipelineStoppedException(); }
                if (process.OutputFaulted || process.IsDisposed) { notAccepted++; return false; }
                outcome = process.TryWriteLine(line, 20);
                if (outcome == WriteOutcome.Accepted) { return true; }
                if (outcome == WriteOutcome.Broken) { notAccepted++; return false; }
            }
        }

        private void Collect(NativeProcess process, int limit)
        {
            string line;
            int taken = 0;
            while (taken < limit && process.TryTakeOutput(out line, 0))
            {
                taken++;
                Route(line);
            }
        }

        private static string RecordTypeOf(string line)
        {
            // $Line -match '^\{"RecordType":"([A-Za-z0-9]+)"' (case-insensitive).
            const string prefix = "{\"RecordType\":\"";
            if (line.Length <= prefix.Length || string.Compare(line, 0, prefix, 0, prefix.Length, StringComparison.OrdinalIgnoreCase) != 0) { return null; }
            int i = prefix.Length;
            while (i < line.Length && ((line[i] >= 'A' && line[i] <= 'Z') || (line[i] >= 'a' && line[i] <= 'z') || (line[i] >= '0' && line[i] <= '9'))) { i++; }
            if (i == prefix.Length || i >= line.Length || line[i] != '"') { return null; }
            return line.Substring(prefix.Length, i - prefix.Length);
        }

        private void Route(string line)
        {
            if (string.IsNullOrWhiteSpace(line)) { return; }
            string type = RecordTypeOf(line);
            bool toOutput = outputAll || type == null || outputTypes.Contains(type);
            bool toCollect = type != null && collectTypes.Contains(type);
            if (!(toOutput || toCollect)) { return; }
            object record = ReadLine(line);
            if (record == null)
            {
                Invalid(line);
                return;
            }
            if (typeNames.Count > 0 && type != null && record is PSObject)
            {
                foreach (KeyValuePair<string, string> name in typeNames)
                {
                    if (string.Equals(name.Key, type, StringComparison.OrdinalIgnoreCase)) { ((PSObject)record).TypeNames.Insert(0, name.Value); }
                }
            }
            if (toCollect && collected != null)
            {
                object list = collected[type];
                PSObject wrapped = list as PSObject;
                IList target = (wrapped != null ? wrapped.BaseObject : list) as IList;
                if (target != null) { target.Add(record); }
            }
            if (toOutput)
            {
                object[] many = record as object[];
                if (many != null) { records.AddRange(many); }
                else { records.Add(record); }
            }
        }

        private bool ReadByScript(string line, out object record)
        {
            record = null;
            if (fallback == null) { return false; }
            Collection<PSObject> result;
            try { result = fallback.Invoke("Read", line, null); }
            catch (PipelineStoppedException) { throw; }
            catch (ActionPreferenceStopException) { throw; }
            catch (Exception) { return false; }
            if (result == null || result.Count == 0) { return false; }
            if (result.Count == 1) { record = result[0]; return true; }
            object[] all = new object[result.Count];
            for (int i = 0; i < all.Length; i++) { all[i] = result[i]; }
            record = all;
            return true;
        }

        private void Invalid(string line)
        {
            invalidLines++;
            string shown = line.Length > 200 ? line.Substring(0, 200) + "..." : line;
            if (firstInvalidLine == null) { firstInvalidLine = shown; }
            if (invalidLines > MaxInvalidReported || cmdlet == null) { return; }
            string message = "The engine wrote an output line that is not a JSON record, so a record is missing or damaged (the engine or its output is broken): " + shown;
            cmdlet.WriteError(new ErrorRecord(new InvalidDataException(message), "LicenseAudit.EngineOutputInvalid", ErrorCategory.InvalidData, shown));
        }
    }
}
