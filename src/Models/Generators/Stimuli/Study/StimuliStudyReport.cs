using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace DpSynth.Models.Generators.Stimuli.Study;

/// <summary>The study's outputs: study.json (every figure) and study.svg (student accuracy against the number of stimuli).</summary>
public static class StimuliStudyReport
{
    /// <summary>How study.json is written; metadata from the source-generated <see cref="StimuliStudyJsonContext"/>, not reflection.</summary>
    internal static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        // +∞ marks a non-DP teacher's ε; NaN a figure that does not apply (top-1 of stimuli).
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        // One generic converter per enum in the result: the non-generic factory builds them by reflection.
        Converters = { new JsonStringEnumConverter<ClassifierShape>(JsonNamingPolicy.KebabCaseLower) },
        TypeInfoResolver = StimuliStudyJsonContext.Default,
    };

    /// <summary>The whole result as JSON.</summary>
    public static string ToJson(StimuliStudyResult result) => JsonSerializer.Serialize(result, JsonOptions.TypeInfo<StimuliStudyResult>());

    private const double Width = 720, Height = 460, Left = 80, Right = 190, Top = 50, Bottom = 60;

    private static readonly (ClassifierShape Shape, string Colour)[] Series =
        [(ClassifierShape.Mlp, "#1b9e77"), (ClassifierShape.SmallMlp, "#d95f02"), (ClassifierShape.Logistic, "#7570b3")];

    /// <summary>Accuracy on the real test windows of each student of the non-DP teacher against the number of stimuli, with the teacher's as a line.</summary>
    public static string ToSvg(StimuliStudyResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var rows = result.Students.Where(s => s.Teacher == StimuliStudy.NonPrivate).ToArray();
        var teacher = result.Teachers.First(t => t.Name == StimuliStudy.NonPrivate);
        int maxCount = Math.Max(1, rows.Length == 0 ? 1 : rows.Max(r => r.Stimuli));
        double lo = Math.Min(0.5, Math.Floor(rows.Select(r => r.Metrics.Accuracy).Append(teacher.Metrics.Accuracy).Min() * 10) / 10), hi = 1;
        double plotW = Width - Left - Right, plotH = Height - Top - Bottom;
        double X(double n) => Left + plotW * n / maxCount;
        double Y(double a) => Top + plotH * (1 - (a - lo) / (hi - lo));
        var svg = new StringBuilder();
        void Line(FormattableString s) => svg.AppendLine(s.ToString(CultureInfo.InvariantCulture));
        Line($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-family=\"sans-serif\" font-size=\"12\">");
        Line($"<rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>");
        Line($"<text x=\"{(Left + Width - Right) / 2}\" y=\"24\" text-anchor=\"middle\" font-size=\"14\">Students trained on stimuli only: accuracy on real test windows</text>");
        for (double t = lo; t <= hi + 1e-9; t += 0.1)
        {
            Line($"<line x1=\"{Left}\" y1=\"{Y(t):0.##}\" x2=\"{Width - Right}\" y2=\"{Y(t):0.##}\" stroke=\"#e6e6e6\"/>");
            Line($"<text x=\"{Left - 8}\" y=\"{Y(t) + 4:0.##}\" text-anchor=\"end\">{t * 100:0}%</text>");
        }
        foreach (int n in rows.Select(r => r.Stimuli).Distinct().Order())
        {
            Line($"<line x1=\"{X(n):0.##}\" y1=\"{Height - Bottom}\" x2=\"{X(n):0.##}\" y2=\"{Height - Bottom + 5}\" stroke=\"black\"/>");
            Line($"<text x=\"{X(n):0.##}\" y=\"{Height - Bottom + 19}\" text-anchor=\"middle\">{n}</text>");
        }
        Line($"<line x1=\"{Left}\" y1=\"{Height - Bottom}\" x2=\"{Width - Right}\" y2=\"{Height - Bottom}\" stroke=\"black\"/>");
        Line($"<line x1=\"{Left}\" y1=\"{Top}\" x2=\"{Left}\" y2=\"{Height - Bottom}\" stroke=\"black\"/>");
        Line($"<text x=\"{Left + plotW / 2}\" y=\"{Height - 20}\" text-anchor=\"middle\">number of stimuli</text>");
        Line($"<text transform=\"translate(22 {Top + plotH / 2}) rotate(-90)\" text-anchor=\"middle\">accuracy</text>");
        Line($"<line x1=\"{Left}\" y1=\"{Y(teacher.Metrics.Accuracy):0.##}\" x2=\"{Width - Right}\" y2=\"{Y(teacher.Metrics.Accuracy):0.##}\" stroke=\"black\" stroke-dasharray=\"6 4\"/>");
        int legend = 0;
        void Legend(string label, string colour, string dash)
        {
            double y = Top + 10 + 20 * legend++;
            Line($"<line x1=\"{Width - Right + 15}\" y1=\"{y}\" x2=\"{Width - Right + 45}\" y2=\"{y}\" stroke=\"{colour}\" stroke-width=\"2\" stroke-dasharray=\"{dash}\"/>");
            Line($"<text x=\"{Width - Right + 52}\" y=\"{y + 4}\">{WebUtility.HtmlEncode(label)}</text>");
        }
        Legend("teacher (non-DP)", "black", "6 4");
        foreach (var (shape, colour) in Series)
        {
            var points = rows.Where(r => r.Shape == shape).OrderBy(r => r.Stimuli).Select(r => $"{X(r.Stimuli):0.##},{Y(r.Metrics.Accuracy):0.##}".ToString(CultureInfo.InvariantCulture)).ToArray();
            if (points.Length == 0) continue;
            svg.AppendLine($"<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" points=\"{string.Join(' ', points)}\"/>");
            foreach (var p in points)
            {
                var xy = p.Split(',');
                svg.AppendLine($"<circle cx=\"{xy[0]}\" cy=\"{xy[1]}\" r=\"3\" fill=\"{colour}\"/>");
            }
            Legend($"student: {shape.Name()}", colour, "");
        }
        svg.AppendLine("</svg>");
        return svg.ToString();
    }
}
