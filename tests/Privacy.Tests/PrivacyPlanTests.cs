using DpSynth.Privacy.Ledger;
using DpSynth.Privacy.Planning;
using DpSynth.Privacy.Randomness;

namespace DpSynth.Privacy.Tests;

/// <summary>The privacy plan: the row count as a ledger stage, q and steps from it, progress ε composed by the ledger.</summary>
public sealed class PrivacyPlanTests
{
    private static PrivacyPlan Plan(double epsilon = 1, PlanShares? shares = null) =>
        new(new PrivacyBudget(epsilon, 1e-5), new RandomnessRecord(RandomnessKind.UserSeed, 3), shares ?? new PlanShares());

    [Fact]
    public void The_private_row_count_is_a_discrete_gaussian_stage_within_its_share()
    {
        var plan = Plan();
        var rows = plan.ReleaseRowCount(() => 32561, null, new SeededRandomSource(1));
        Assert.False(rows.IsPublic);
        var stage = Assert.Single(plan.Ledger.Stages);
        Assert.Equal(DpRowCount.StageName, stage.Name);
        var cost = Assert.IsType<DiscreteGaussianCost>(stage.Cost);
        Assert.Equal(plan.RowCountSigma, cost.Sigma);
        Assert.True(plan.Ledger.TotalEpsilon <= plan.RowCountEpsilon, $"{plan.Ledger.TotalEpsilon} over the share {plan.RowCountEpsilon}");
        Assert.InRange(rows.Rows, 32561 - 6 * cost.Sigma, 32561 + 6 * cost.Sigma);
    }

    [Fact]
    public void The_released_count_is_noisy_and_clamped()
    {
        var counts = Enumerable.Range(0, 20).Select(i => Plan().ReleaseRowCount(() => 5000, null, new SeededRandomSource((ulong)i)).Rows).ToArray();
        Assert.True(counts.Distinct().Count() > 10, "the count is not noisy");
        var tiny = Enumerable.Range(0, 20).Select(i => Plan().ReleaseRowCount(() => 0, null, new SeededRandomSource((ulong)i)).Rows);
        Assert.All(tiny, r => Assert.True(r >= DpRowCount.Minimum));
    }

    [Fact]
    public void A_budget_too_small_for_the_count_is_refused_before_anything_is_spent_or_read()
    {
        var plan = Plan(epsilon: 1e-9);
        bool read = false;
        var e = Assert.Throws<ArgumentException>(() => plan.ReleaseRowCount(() => { read = true; return 1000; }, null, new SeededRandomSource(1)));
        Assert.Contains("raise epsilon", e.Message);
        Assert.False(read);
        Assert.Empty(plan.Ledger.Stages);
    }

    [Fact]
    public void A_declared_count_costs_nothing_and_a_wrong_one_is_refused_without_either_count()
    {
        var plan = Plan();
        var rows = plan.ReleaseRowCount(() => 1237, 1237, new SeededRandomSource(1));
        Assert.Equal(new DpRowCount(1237, true), rows);
        Assert.Equal(DpRowCount.DeclaredMechanism, Assert.Single(plan.Ledger.Stages).Mechanism);
        Assert.Equal(0, plan.Ledger.TotalEpsilon, 12);

        var e = Assert.Throws<ArgumentException>(() => Plan().ReleaseRowCount(() => 1237, 1236, new SeededRandomSource(1)));
        Assert.DoesNotContain("1237", e.Message);
        Assert.DoesNotContain("1236", e.Message);
    }

    [Fact]
    public void Sampling_uses_the_released_count_and_keeps_q_in_range()
    {
        var plan = Plan();
        plan.ReleaseRowCount(() => 1000, 1000, new SeededRandomSource(1));
        Assert.Equal((0.25, 20L), plan.Sampling(250, 5));
        Assert.Equal((1.0, 3L), plan.Sampling(5000, 3));
        Assert.Equal((0.25, 7L), plan.Sampling(250, 5, maxSteps: 7));
    }

    [Fact]
    public void Progress_epsilon_is_the_ledgers_composition_and_ends_at_its_total()
    {
        var plan = Plan(shares: new PlanShares { Preprocessing = 0.1 });
        plan.ReleaseRowCount(() => 20000, null, new SeededRandomSource(2));
        plan.Ledger.Spend(new LedgerStage("bounds", "pure", new PureDpCost(0.1)));
        var (q, steps) = plan.Sampling(500, 2);
        double sigma = plan.TrainingNoiseMultiplier(q, steps);
        var curve = plan.ComposedEpsilonDuringTraining(sigma, q);
        double before = plan.Ledger.TotalEpsilon;
        Assert.Equal(before, curve(0));
        Assert.True(curve(steps / 2) > before && curve(steps / 2) < curve(steps));
        plan.Ledger.Spend(new LedgerStage("training", LedgerCalibration.TrainingMechanism, new SubsampledGaussianCost(sigma, q, steps)));
        Assert.Equal(plan.Ledger.TotalEpsilon, curve(steps));
        Assert.True(plan.Ledger.TotalEpsilon <= 1);
    }

    [Fact]
    public void Shares_that_leave_nothing_for_training_are_refused()
    {
        Assert.Throws<ArgumentException>(() => Plan(shares: new PlanShares { Preprocessing = 0.5, Marginals = 0.5 }));
        Assert.Throws<ArgumentException>(() => Plan(shares: new PlanShares { RowCount = -0.1 }));
    }

    [Theory]
    [InlineData(1.0, 1e-5)]
    [InlineData(0.02, 1e-6)]
    [InlineData(8.0, 1e-3)]
    public void The_zcdp_conversion_round_trips(double epsilon, double delta)
    {
        double rho = ZcdpConversion.Rho(epsilon, delta);
        Assert.Equal(epsilon, rho + 2 * Math.Sqrt(rho * Math.Log(1 / delta)), 9);
        Assert.Equal(Math.Sqrt(1 / (2 * rho)), ZcdpConversion.GaussianSigma(rho), 12);
        Assert.Equal(Math.Sqrt(8 * rho / 3), ZcdpConversion.ExponentialEpsilon(rho, 3), 12);
    }
}
