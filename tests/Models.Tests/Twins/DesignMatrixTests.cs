using DpSynth.Models.Tabular;
using DpSynth.Models.Twins;
using static DpSynth.Models.Tests.Twins.TwinTables;

namespace DpSynth.Models.Tests.Twins;

public class DesignMatrixTests
{
    private static Table Local() => Table("local.csv",
        Categorical("eth", "Asian", "White", "White", "Black", "White"),
        Numeric("age", 30, 40, 50, 60, 70),
        Numeric("y", 0, 1, 0, 1, 1));

    [Fact]
    public void DefaultReferenceIsTheMostFrequentLevelOfTheLocalData()
    {
        var layout = DesignLayout.Create(Formula.Parse("y ~ eth + age"), [Local()]);
        Assert.Equal(["(Intercept)", "eth[Asian]", "eth[Black]", "age"], layout.CoefficientNames);
        Assert.Equal("White", layout.Terms[0].Reference);
        var x = layout.Build(Local());
        Assert.Equal(5, x.Rows);
        Assert.Equal([1.0, 1, 0, 30], x.Row(0).ToArray());
        Assert.Equal([1.0, 0, 0, 40], x.Row(1).ToArray());
        Assert.Equal([1.0, 0, 1, 60], x.Row(3).ToArray());
        Assert.Equal([0.0, 1, 0, 1, 1], x.Outcome.ToArray());
    }

    [Fact]
    public void SelectedReferenceAndDeclaredCategories()
    {
        var options = new DesignOptions();
        options.References["eth"] = "Black";
        var layout = DesignLayout.Create(Formula.Parse("y ~ eth + age"), [Local()], options);
        Assert.Equal(["(Intercept)", "eth[Asian]", "eth[White]", "age"], layout.CoefficientNames);

        // Without an intercept the first factor is cell-coded (one column per level, sorted).
        layout = DesignLayout.Create(Formula.Parse("y ~ eth - 1"), [Local()], options);
        Assert.Equal(["eth[Asian]", "eth[Black]", "eth[White]"], layout.CoefficientNames);
        Assert.Equal([0.0, 1, 0], layout.Build(Local()).Row(3).ToArray());  // Black

        // A declared list fixes the order, its first used level is the default reference, and
        // declared levels no table uses get no coefficient.
        var declared = new DesignOptions();
        declared.Categories["eth"] = ["Other", "Black", "White", "Asian"];
        layout = DesignLayout.Create(Formula.Parse("y ~ eth"), [Local()], declared);
        Assert.Equal(["(Intercept)", "eth[White]", "eth[Asian]"], layout.CoefficientNames);
        Assert.Equal("Black", layout.Terms[0].Reference);
    }

    [Fact]
    public void InterceptOnlyModelHasOneColumnOfOnes()
    {
        var x = DesignLayout.Create(Formula.Parse("y ~ 1"), [Local()]).Build(Local());
        Assert.Equal(1, x.Columns);
        for (int i = 0; i < x.Rows; i++) Assert.Equal(1.0, x[i, 0]);
    }

    [Fact]
    public void AbsentColumnIsNamedInOneLine()
    {
        var e = Assert.Throws<TableFormatException>(() => DesignLayout.Create(Formula.Parse("y ~ eth + sex"), [Local()]));
        Assert.Equal("sex", e.Column);
        Assert.Equal("local.csv:-:sex: expected a column \"sex\" (named in formula \"y ~ eth + sex\"), but the table has no such column", e.Message);
    }

    [Fact]
    public void TwinWithAnUnknownLevelIsRefused()
    {
        var twin = Table("twin_1.csv",
            Categorical("eth", "White", "Mixed"), Numeric("age", 1, 2), Numeric("y", 0, 1));
        var e = Assert.Throws<TableFormatException>(() => DesignLayout.Create(Formula.Parse("y ~ eth"), [Local(), twin]));
        Assert.Equal("twin_1.csv", e.File);
        Assert.Equal("eth", e.Column);
        Assert.DoesNotContain("Mixed", e.Message); // a private level is not quoted
        Assert.StartsWith("\"Mixed\"", PrivateValues.Find(e));
        Assert.Contains("levels of local.csv", e.Message);
        Assert.DoesNotContain('\n', e.Message);

        // Applying a finished layout to such a table (e.g. a test set) is refused the same way.
        var layout = DesignLayout.Create(Formula.Parse("y ~ eth"), [Local()]);
        Assert.Throws<TableFormatException>(() => layout.Build(twin));
    }

    [Fact]
    public void TwinWithAnotherColumnKindOrMissingColumnIsRefused()
    {
        var kind = Table("twin_2.csv", Categorical("eth", "White"), Categorical("age", "old"), Numeric("y", 1));
        var e = Assert.Throws<TableFormatException>(() => DesignLayout.Create(Formula.Parse("y ~ age"), [Local(), kind]));
        Assert.Equal("twin_2.csv:-:age: expected a numeric column as in local.csv, got a categorical one", e.Message);

        var absent = Table("twin_3.csv", Numeric("age", 1), Numeric("y", 1));
        e = Assert.Throws<TableFormatException>(() => DesignLayout.Create(Formula.Parse("y ~ eth"), [Local(), absent]));
        Assert.Equal("twin_3.csv", e.File);
        Assert.Equal("eth", e.Column);
    }

    [Fact]
    public void TwinDictionaryMayOrderLevelsDifferently()
    {
        var twin = Table("twin.csv", Categorical("eth", "Black", "Asian", "White"), Numeric("age", 1, 2, 3), Numeric("y", 1, 0, 1));
        var layout = DesignLayout.Create(Formula.Parse("y ~ eth"), [Local(), twin]);
        var x = layout.Build(Local(), twin);
        Assert.Equal(8, x.Rows);
        Assert.Equal([1.0, 0, 1], x.Row(5).ToArray());  // Black
        Assert.Equal([1.0, 1, 0], x.Row(6).ToArray());  // Asian
        Assert.Equal([1.0, 0, 0], x.Row(7).ToArray());  // White
    }

    [Fact]
    public void MissingValuesAreRefusedOrDroppedOnRequest()
    {
        var t = Table("m.csv", Categorical("eth", "A", null, "B"), Numeric("y", 1, 0, double.NaN));
        var f = Formula.Parse("y ~ eth");
        var e = Assert.Throws<TableFormatException>(() => DesignLayout.Create(f, [t]).Build(t));
        Assert.Equal(3, e.Row);
        Assert.Equal("eth", e.Column);

        var x = DesignLayout.Create(f, [t], new DesignOptions { DropIncompleteRows = true }).Build(t);
        Assert.Equal(1, x.Rows);
        Assert.Equal(2, x.DroppedRows);
    }

    [Fact]
    public void BooleanOutcomeBecomesZeroOne()
    {
        var y = new CategoricalColumn("y", ColumnKind.Boolean, [1, 0, 1], 3, ["false", "true"]);
        var t = Table("b.csv", Numeric("x", 1, 2, 3), y);
        var x = DesignLayout.Create(Formula.Parse("y ~ x"), [t]).Build(t);
        Assert.Equal([1.0, 0, 1], x.Outcome.ToArray());

        var labels = Table("c.csv", Numeric("x", 1), Categorical("y", "yes please"));
        var e = Assert.Throws<TableFormatException>(() => DesignLayout.Create(Formula.Parse("y ~ x"), [labels]).Build(labels));
        Assert.Contains("numeric or boolean outcome", e.Message);
    }

    [Fact]
    public void UnknownReferenceLevelIsRefused()
    {
        var options = new DesignOptions();
        options.References["eth"] = "Martian";
        var e = Assert.Throws<FormulaException>(() => DesignLayout.Create(Formula.Parse("y ~ eth"), [Local()], options));
        Assert.Contains("\"Martian\" is not one of the", e.Message);
        Assert.Contains("levels in the data", e.Message);
    }
}
