using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using DpSynth.Models.Tabular;

// Read + encode throughput of the tabular layer on a real CSV (default: UCI Adult, 32,561 rows).
// Prints one JSON line per measurement: the median and minimum of warm runs after warm-up runs.
// The schema is inferred from the file with its values declared public — acceptable for timing
// only; a real release must declare public values without looking at the data.
string path = args.Length > 0 ? args[0] : "/work/shared/data/adult_train.csv";
int runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 15;

var inferred = SchemaInference.Infer(TableReader.Read(path, null), includeValues: true);
var schema = inferred with
{
    MissingMarkers = ["?"],
    Columns = inferred.Columns.Select(c => c with
    {
        Bounds = c.Bounds is { } b ? b with { Public = true } : null,
        Categories = c.Categories is { } k ? k with { Public = true } : null,
    }).ToArray(),
};
var encoder = TableEncoder.Fit(TableReader.Read(path, schema), schema);

Measure("read", () => TableReader.Read(path, schema).RowCount);
Measure("encode", () => encoder.Encode(TableReader.Read(path, schema)).Rows, excludeRead: true);
Measure("read+encode", () => encoder.Encode(TableReader.Read(path, schema)).Rows);
Measure("read+fit+encode", () => { var t = TableReader.Read(path, schema); return TableEncoder.Fit(t, schema).Encode(t).Rows; });

void Measure(string name, Func<int> work, bool excludeRead = false)
{
    for (int i = 0; i < 3; i++) work(); // warm-up: JIT tiers, file cache
    var times = new List<double>();
    int rows = 0;
    Table? table = excludeRead ? TableReader.Read(path, schema) : null;
    for (int i = 0; i < runs; i++)
    {
        GC.Collect();
        var clock = Stopwatch.StartNew();
        rows = table is null ? work() : encoder.Encode(table).Rows;
        times.Add(clock.Elapsed.TotalMilliseconds);
    }
    times.Sort();
    Console.WriteLine(JsonSerializer.Serialize(new
    {
        bench = name,
        file = Path.GetFileName(path),
        rows,
        width = encoder.Width,
        runs,
        median_ms = Math.Round(times[runs / 2], 2),
        min_ms = Math.Round(times[0], 2),
    }, new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
}
