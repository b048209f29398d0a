using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using DpSynth.Models.Evaluation;
using DpSynth.Models.Generators.DpWgan;
using DpSynth.Models.ModelFiles;
using DpSynth.Models.Tabular;
using DpSynth.Models.Tests.Tabular;
using DpSynth.Privacy;
using DpSynth.Privacy.Ledger;
using DpSynth.Privacy.Randomness;
using DpSynth.Tests.Shared;

namespace DpSynth.Models.Tests.Json;

/// <summary>
/// The documents a fit, a sample or an evaluation reads and writes resolve their JSON metadata through
/// the source-generated <see cref="ModelsJsonContext"/> only, and write exactly the bytes the reflection
/// resolver writes — so a member the generator skipped (an inaccessible property or constructor) fails here.
/// </summary>
public class SourceGeneratedJsonTests
{
    public static TheoryData<string> Documents => ["schema", "encoder", "manifest", "dpwgan", "evaluation"];

    private static (JsonSerializerOptions Options, Type Root) OptionsOf(string document) => document switch
    {
        "schema" => (TableSchemaJson.Options, typeof(TableSchema)),
        "encoder" => (TableEncoder.JsonOptions, typeof(EncoderDocument)),
        "manifest" => (ModelFile.JsonOptions, typeof(ModelManifest)),
        "dpwgan" => (DpWganOptions.JsonOptions, typeof(DpWganOptions)),
        "evaluation" => (EvaluationReport.Json, typeof(EvaluationReport)),
        _ => throw new ArgumentOutOfRangeException(nameof(document)),
    };

    [Theory]
    [MemberData(nameof(Documents))]
    public void OptionsResolveTheirRootTypeThroughTheGeneratedContextOnly(string document)
    {
        var (options, root) = OptionsOf(document);
        Assert.Same(ModelsJsonContext.Default, options.TypeInfoResolver);
        Assert.Single(options.TypeInfoResolverChain);
        var info = options.GetTypeInfo(root);
        Assert.NotEmpty(info.Properties);
        // A type the context does not list is refused, not quietly built by reflection.
        Assert.Throws<NotSupportedException>(() => JsonSerializer.Serialize(new NotInTheContext(1), options));
    }

    [Fact]
    public void ColumnEncoderKeepsEveryDerivedTypeInTheGeneratedMetadata()
    {
        var info = TableEncoder.JsonOptions.GetTypeInfo(typeof(ColumnEncoder));
        var derived = info.PolymorphismOptions!.DerivedTypes.Select(d => (d.DerivedType, d.TypeDiscriminator)).ToArray();
        Assert.Equal(
            [(typeof(NumericEncoder), (object)"numeric"), (typeof(OneHotEncoder), "oneHot"), (typeof(BinnedNumericEncoder), "binned")],
            derived);
        // Each derived type is read through its [JsonConstructor]: one parameter per constructor argument.
        foreach (var (type, _) in derived)
            Assert.Equal(type.GetConstructors().Single(c => c.GetParameters().Length > 0).GetParameters().Length,
                TableEncoder.JsonOptions.GetTypeInfo(type).Properties.Count(p => p.AssociatedParameter is { IsMemberInitializer: false }));
    }

    [Fact]
    public void SchemaWritesAndReadsAsTheReflectionResolverDoes()
    {
        var schema = FullSchema();
        string generated = TableSchemaJson.ToJson(schema);
        Assert.Equal(JsonSerializer.Serialize(schema, Reflection(TableSchemaJson.Options)), generated);
        var back = TableSchemaJson.Parse(generated, "schema.json");
        Assert.Equal(generated, TableSchemaJson.ToJson(back));
        var viaReflection = JsonSerializer.Deserialize<TableSchema>(generated, Reflection(TableSchemaJson.Options))!;
        Assert.Equal(generated, TableSchemaJson.ToJson(viaReflection));
        // Every declared field survives (a skipped member would come back null).
        var age = back.Find("age")!;
        Assert.Equal(new DeclaredBounds(0, 120, true), age.Bounds);
        Assert.Equal(2, back.Find("score")!.Precision);
        Assert.Equal(["no", "yes"], back.Find("smoker")!.Labels!);
        Assert.Equal(32_561, back.PublicRowCount);
        Assert.Equal(["?"], back.MissingMarkers!);
    }

    [Fact]
    public void EncoderWritesAndReadsAsTheReflectionResolverDoes()
    {
        foreach (var encoder in new[] { HandBuiltEncoder(), FittedAdultEncoder(NumericTransform.Bins), FittedAdultEncoder(NumericTransform.QuantileNormal) })
        {
            string generated = encoder.ToJson();
            var document = new EncoderDocument(TableEncoder.FormatVersion, encoder.Columns.ToArray());
            Assert.Equal(JsonSerializer.Serialize(document, Reflection(TableEncoder.JsonOptions)), generated);
            var back = TableEncoder.FromJson(generated);
            Assert.Equal(generated, back.ToJson());
            var viaReflection = JsonSerializer.Deserialize<EncoderDocument>(generated, Reflection(TableEncoder.JsonOptions))!;
            Assert.Equal(generated, new TableEncoder(viaReflection.Columns).ToJson());
        }
    }

    [Fact]
    public void HandBuiltEncoderKeepsEveryOptionalField()
    {
        string json = HandBuiltEncoder().ToJson();
        foreach (var key in new[] { "provenance", "decimals", "imputedValue", "labels", "imputedCategory", "otherLabel", "hasMissing", "grid", "lower", "upper", "transform" })
            Assert.Contains($"\"{key}\":", json);
        var back = (OneHotEncoder)TableEncoder.FromJson(json).Columns[2];
        Assert.Equal(["n", "y"], back.Labels!);
        Assert.Equal("false", back.ImputedCategory);
        Assert.Equal("public list", back.Provenance);
    }

    [Fact]
    public void ManifestWritesAndReadsAsTheReflectionResolverDoes()
    {
        var encoder = FittedAdultEncoder(NumericTransform.Bins);
        var manifest = new ModelManifest(ModelFile.FormatVersion, "0.1.0", "tablediffusion",
            new JsonObject { ["hidden"] = new JsonArray(128, 128), ["encoded_width"] = encoder.Width },
            JsonNode.Parse(TableSchemaJson.ToJson(FullSchema())),
            JsonNode.Parse(encoder.ToJson()),
            JsonNode.Parse(FullLedger().ToJson()),
            [new TensorBlobEntry("layer0.weight", [7, 33], "tensors/0000.f32", 7 * 33 * 4, new string('a', 64)),
             new TensorBlobEntry("empty", [0, 4], "tensors/0001.f32", 0, new string('b', 64))]);
        byte[] generated = JsonSerializer.SerializeToUtf8Bytes(manifest, ModelFile.JsonOptions);
        Assert.Equal(JsonSerializer.SerializeToUtf8Bytes(manifest, Reflection(ModelFile.JsonOptions)), generated);
        var back = JsonSerializer.Deserialize<ModelManifest>(generated, ModelFile.JsonOptions)!;
        Assert.Equal(generated, JsonSerializer.SerializeToUtf8Bytes(back, ModelFile.JsonOptions));
        Assert.Equal([7L, 33L], back.Tensors[0].Shape);
        Assert.NotNull(back.PrivacyLedger);
    }

    [Fact]
    public void DpWganOptionsWriteAndReadAsTheReflectionResolverDoes()
    {
        var options = DpWganOptions.Default with { LatentWidth = 17, GeneratorHidden = [9, 8], NumericEncoding = NumericTransform.QuantileUniform };
        var generated = options.ToJson();
        Assert.Equal(JsonSerializer.SerializeToNode(options, Reflection(DpWganOptions.JsonOptions))!.ToJsonString(), generated.ToJsonString());
        var back = DpWganOptions.FromJson(generated);
        Assert.Equal(generated.ToJsonString(), back.ToJson().ToJsonString());
        Assert.Equal(17, back.LatentWidth);
    }

    [Fact]
    public void EvaluationReportWritesAndReadsAsTheReflectionResolverDoes()
    {
        var report = new EvaluationReport(new TableSizes(100, 90, 50), "income",
            new FidelityReport(0.1, 0.3, 20, 0.2, 0.4, 10, [new ColumnScore("age", 0.3)], [new PairScore("age", "sex", 0.4)],
                0.05, "pearson", [new PairScore("age", "sex", 0.1)], [new ColumnScore("age", 0.01)]),
            new UtilityReport("logistic", ">50K", 12, new ClassifierScore(0.8, 0.85, 100, 30), new ClassifierScore(0.75, double.NaN, 90, 30)),
            new DcrReport(0.5, 0.6, 0, 0.01, 90, 50, "gower"), 1.25);
        string generated = report.ToJson();
        Assert.Equal(JsonSerializer.Serialize(report, Reflection(EvaluationReport.Json)), generated);
        Assert.Equal(generated, EvaluationReport.FromJson(generated)!.ToJson());
    }

    /// <summary>
    /// The schema's shape check reads keys, nullability and defaults from the generated metadata; these
    /// are the messages it gave when it read them from the records by reflection (taken from the build before).
    /// </summary>
    [Theory]
    [InlineData("""{"columns":[{"name":"a","kind":"integer","bounds":null},{"name":"b","kind":"categorical","missing":null}]}""", "s.json:-:b: expected \"missing\" to be true or false, got null")]
    [InlineData("""{"columns":null}""", "s.json:-:-: expected \"columns\" to be a list of objects, got null")]
    [InlineData("""{"columns":[{"name":"a","kind":"integer","bounds":5}]}""", "s.json:-:a: expected \"bounds\" to be an object with the keys min, max, public, got 5")]
    [InlineData("""{"columns":[{"name":"a","kind":"integer","categories":{"values":["x"]}}]}""", "s.json:-:a: expected \"categories\" to be an object with the key \"public\" (true or false), but it is missing")]
    [InlineData("""{"columns":[{"name":"a","kind":"integer","labels":[null]}]}""", "s.json:-:a: expected \"labels[1]\" to be a text in double quotes, got null")]
    [InlineData("""{"columns":[{"name":"a","kind":"integer","precision":1.5}]}""", "s.json:-:a: expected \"precision\" to be a whole number, got 1.5")]
    [InlineData("""{"columns":[{"name":"a","kind":"integer"}],"rows":{}}""", "s.json:-:-: expected \"rows\" to be an object with the key \"public\" (a whole number), but it is missing")]
    [InlineData("""{"columns":[{"name":"a","kind":"integer"}],"missingMarkers":[null]}""", "s.json:-:-: expected \"missingMarkers[1]\" to be a text in double quotes, got null")]
    [InlineData("""{"columns":[{"name":"a","kind":"integer","role":"labl"}]}""", "s.json:-:a: expected \"role\" to be one of feature, label, ignore, got \"labl\"")]
    [InlineData("""{"columns":[{"name":"a","kind":"integer"}],"colums":[]}""", "s.json:-:-: expected one of the keys columns, missingMarkers, rows (unknown key \"colums\"; did you mean \"columns\"?)")]
    [InlineData("""{"columns":[{"name":"b","kind":"categorical","categories":{"values":["x","y"],"public":true,"closed":null}}]}""", "s.json:-:b: expected \"categories.closed\" to be true or false, got null")]
    [InlineData("""{"columns":[5]}""", "s.json:-:column 1: expected an object with the keys name, kind, role, missing, bounds, categories, precision, labels, got 5")]
    public void SchemaShapeMessagesAreTheOnesReflectionGave(string json, string message) =>
        Assert.Equal(message, Assert.Throws<TableFormatException>(() => TableSchemaJson.Parse(json, "s.json")).Message);

    [Fact]
    public void SchemaShapeAcceptsNullWhereTheRecordsDefaultToNull()
    {
        var schema = TableSchemaJson.Parse("""{"columns":[{"name":"a","kind":"integer","bounds":null,"precision":null}],"missingMarkers":null,"rows":null}""", "s.json");
        Assert.Null(schema.Columns[0].Bounds);
        Assert.Null(schema.MissingMarkers);
    }

    /// <summary>The same options, resolving by reflection with the old non-generic enum converter: what the library used before source generation.</summary>
    private static JsonSerializerOptions Reflection(JsonSerializerOptions options) => LegacyJson.Reflection(options, LegacyEnums(options));

    /// <summary>The enum spelling each document had, as the non-generic converter it used.</summary>
    private static JsonStringEnumConverter? LegacyEnums(JsonSerializerOptions options) =>
        options == TableSchemaJson.Options || options == TableEncoder.JsonOptions ? new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false)
        : options == DpWganOptions.JsonOptions ? new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false)
        : null;

    [Theory]
    [MemberData(nameof(Documents))]
    public void EveryEnumADocumentReachesIsSpelledAsBefore(string document)
    {
        var (options, root) = OptionsOf(document);
        var checkedEnums = LegacyJson.AssertEnumsSpelledAsBefore(options, Reflection(options), root);
        // The walk must reach the schema's enums, or it checks nothing.
        if (document is "schema") Assert.Equal([typeof(ColumnKind), typeof(ColumnRole)], checkedEnums.OrderBy(t => t.Name));
        if (document is "encoder") Assert.Contains(typeof(NumericTransform), checkedEnums);
    }

    /// <summary>Every kind of schema field set at least once.</summary>
    private static TableSchema FullSchema()
    {
        var adult = AdultLikeData.PublicSchema();
        return adult with
        {
            Columns =
            [
                .. adult.Columns,
                new ColumnSchema("score", ColumnKind.Continuous, Missing: true, Bounds: new DeclaredBounds(-1.5, 2.25, false), Precision: 2),
                new ColumnSchema("smoker", ColumnKind.Boolean, Labels: ["no", "yes"]),
                new ColumnSchema("grade", ColumnKind.Ordinal, ColumnRole.Ignore, Categories: new DeclaredCategories(["low", "mid", "high"], true, Closed: false)),
            ],
            Rows = new DeclaredRows(32_561),
        };
    }

    /// <summary>Each kind of column encoder, with and without a missing slot, and every optional field set.</summary>
    private static TableEncoder HandBuiltEncoder() => new(
    [
        new NumericEncoder("x", ColumnKind.Continuous, ColumnRole.Feature, NumericTransform.QuantileNormal, [-1, 1e-300, 0.1, 4.5], false)
            { Decimals = 3, ImputedValue = 0.25, Provenance = "dp quantiles" },
        new NumericEncoder("x2", ColumnKind.Integer, ColumnRole.Feature, NumericTransform.MinMax, [0, 10], true),
        new OneHotEncoder("c", ColumnKind.Boolean, ColumnRole.Label, ["false", "true"])
            { Labels = ["n", "y"], ImputedCategory = "false", Provenance = "public list" },
        new OneHotEncoder("d", ColumnKind.Categorical, ColumnRole.Feature, ["p", "q"], otherLabel: "(other)", hasMissing: true),
        new BinnedNumericEncoder("n", ColumnKind.Continuous, ColumnRole.Feature, [0, 10, 20], [9, 19, 99], false)
            { Decimals = 1, ImputedValue = 12.5, Provenance = "public bounds" },
        new BinnedNumericEncoder("m", ColumnKind.Integer, ColumnRole.Feature, [0, 10], [9, 19], true),
    ]);

    private static TableEncoder FittedAdultEncoder(NumericTransform numeric)
    {
        var table = AdultLikeData.Table(400, 7, AdultLikeData.PrivateSchema());
        var ledger = new PrivacyLedger(new PrivacyBudget(5, 1e-5), new RandomnessRecord(RandomnessKind.UserSeed, 3), DpSynth.Privacy.Calibration.AccountantKind.Rdp);
        return TableEncoder.Fit(table, AdultLikeData.PrivateSchema(),
            new EncoderFitOptions { Numeric = numeric, Epsilon = 1, Random = new SeededRandomSource(11) }, ledger);
    }

    /// <summary>A ledger with every kind of cost.</summary>
    internal static PrivacyLedger FullLedger()
    {
        var ledger = new PrivacyLedger(new PrivacyBudget(50, 1e-5), new RandomnessRecord(RandomnessKind.UserSeed, 42), DpSynth.Privacy.Calibration.AccountantKind.Rdp);
        ledger.Spend(new LedgerStage("rows", "discrete gaussian", new DiscreteGaussianCost(10, 1, 1e-9)) { Parameters = new Dictionary<string, double> { ["sigma"] = 10 } });
        ledger.Spend(new LedgerStage("bounds", "quantiles", new ExponentialMechanismCost(0.1, 2)));
        ledger.Spend(new LedgerStage("flags", "laplace", new PureDpCost(0.2, 0.005)));
        ledger.Spend(new LedgerStage("other", "approximate", new ApproximateDpCost(0.1, 1e-7)));
        ledger.Spend(new LedgerStage("training", "dp-sgd", new SubsampledGaussianCost(1.1, 0.01, 300)));
        return ledger;
    }

    private sealed record NotInTheContext(int Value);
}
