using DpSynth.Models.Twins;

namespace DpSynth.Models.Tests.Twins;

public class FormulaTests
{
    [Fact]
    public void ParsesOutcomeTermsAndIntercept()
    {
        var f = Formula.Parse("outcome ~ age_group + sex + ethnicity");
        Assert.Equal("outcome", f.Outcome);
        Assert.Equal(["age_group", "sex", "ethnicity"], f.Terms);
        Assert.True(f.HasIntercept);
        Assert.Null(f.Offset);
    }

    [Theory]
    [InlineData("y ~ 1", true, 0)]
    [InlineData("y ~ x - 1", false, 1)]
    [InlineData("y ~ -1 + x", false, 1)]
    [InlineData("y ~ 0 + x + z", false, 2)]
    [InlineData("y ~ x + 1", true, 1)]
    [InlineData("y ~ x + z - z", true, 1)]
    [InlineData("y~x+x", true, 1)]
    public void InterceptAndTermArithmetic(string text, bool intercept, int terms)
    {
        var f = Formula.Parse(text);
        Assert.Equal(intercept, f.HasIntercept);
        Assert.Equal(terms, f.Terms.Count);
    }

    [Fact]
    public void BackquotedNamesAndOffset()
    {
        var f = Formula.Parse("`n events` ~ `native-country` + 1st_visit + offset(log_t)");
        Assert.Equal("n events", f.Outcome);
        Assert.Equal(["native-country", "1st_visit"], f.Terms);
        Assert.Equal("log_t", f.Offset);
        Assert.Equal(["n events", "native-country", "1st_visit", "log_t"], f.Columns);
    }

    [Theory]
    [InlineData("y x", "expected '~'")]
    [InlineData("~ x", "expected the outcome column")]
    [InlineData("y ~", "expected a column name, 0 or 1, found the end")]
    [InlineData("y ~ x +", "expected a term after '+'")]
    [InlineData("y ~ x z", "expected '+' or '-' between terms")]
    [InlineData("y ~ a:b", "interactions")]
    [InlineData("y ~ a * b", "interactions")]
    [InlineData("y ~ x + y", "covariates other than the outcome")]
    [InlineData("y ~ `x", "closing backquote")]
    [InlineData("y ~ x - z", "'- z' to remove a term added before it")]
    [InlineData("y ~ offset(a) + offset(b)", "at most one offset")]
    [InlineData("y ~ 0", "no intercept and no covariates")]
    public void BadSyntaxGivesOneLinePositionedMessage(string text, string expected)
    {
        var e = Assert.Throws<FormulaException>(() => Formula.Parse(text));
        Assert.Contains(expected, e.Message);
        Assert.Contains($"formula \"{text}\"", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void ErrorNamesTheColumnPosition()
    {
        var e = Assert.Throws<FormulaException>(() => Formula.Parse("y ~ a + $b"));
        Assert.Equal("formula \"y ~ a + $b\", column 9: expected a column name, 0 or 1, found '$'", e.Message);
    }
}
