using System.Text.Json.Nodes;
using DpSynth.Models.ModelFiles;

namespace DpSynth.Models.Generators.Stimuli;

/// <summary>Saves and loads a <see cref="StimuliTeacher"/> as a model file (kind <see cref="StimuliTeacher.KindName"/>).</summary>
public static class StimuliTeacherFile
{
    /// <summary>Writes the teacher, ID classifier, scaling, column names and ledger.</summary>
    public static void Save(string path, StimuliTeacher model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var hyper = new JsonObject
        {
            ["teacher_shape"] = model.Teacher.Shape.Name(),
            ["inputs"] = model.Teacher.Inputs,
            ["label_levels"] = new JsonArray(model.LabelLevels.Select(l => (JsonNode)l).ToArray()),
            ["identity_shape"] = model.Identity?.Shape.Name(),
            ["subjects"] = model.Identity?.Classes,
            ["scaling_limit"] = model.Scaling.Limit,
            ["scaling_from_public_bounds"] = model.Scaling.FromPublicBounds,
            ["columns"] = new JsonArray(model.ColumnNames.Select(c => (JsonNode)c).ToArray()),
            ["differentially_private"] = model.Private,
        };
        var tensors = new List<ModelTensor>
        {
            new("teacher", [model.Teacher.Parameters.Length], model.Teacher.Parameters),
            new("scaling.offsets", [model.Scaling.Width], model.Scaling.Offsets),
            new("scaling.scales", [model.Scaling.Width], model.Scaling.Scales),
        };
        if (model.Identity is { } identity) tensors.Add(new("identity", [identity.Parameters.Length], identity.Parameters));
        ModelFile.Save(path, new ModelFileContent(StimuliTeacher.KindName, hyper, tensors) { Ledger = model.Ledger });
    }

    /// <summary>Reads a stimuli teacher; a file of another kind or with inconsistent contents is refused naming the file.</summary>
    /// <exception cref="ModelFileException">Not a stimuli teacher, or damaged.</exception>
    public static StimuliTeacher Load(string path)
    {
        var content = ModelFile.Load(path);
        if (content.ModelKind != StimuliTeacher.KindName)
            throw new ModelFileException(path, $"is a {content.ModelKind} model, not a stimuli teacher (made by `dpsynth stimuli teach`)");
        try
        {
            var h = content.HyperParameters;
            int inputs = h["inputs"]!.GetValue<int>();
            var levels = h["label_levels"]!.AsArray().Select(n => n!.GetValue<string>()).ToArray();
            var columns = h["columns"]!.AsArray().Select(n => n!.GetValue<string>()).ToArray();
            var shape = ClassifierShapes.Parse(h["teacher_shape"]!.GetValue<string>()) ?? throw new FormatException("unknown teacher shape");
            var teacher = new Classifier(shape, inputs, levels.Length, content.Tensor("teacher").Data);
            Classifier? identity = null;
            if (h["subjects"] is JsonNode subjects)
            {
                var idShape = ClassifierShapes.Parse(h["identity_shape"]!.GetValue<string>()) ?? throw new FormatException("unknown identity shape");
                identity = new Classifier(idShape, inputs, subjects.GetValue<int>(), content.Tensor("identity").Data);
            }
            var scaling = new WindowScaling(content.Tensor("scaling.offsets").Data, content.Tensor("scaling.scales").Data,
                h["scaling_limit"]!.GetValue<float>(), h["scaling_from_public_bounds"]!.GetValue<bool>());
            if (scaling.Width != inputs || columns.Length != inputs) throw new FormatException("the scaling or the column list does not match the input width");
            return new StimuliTeacher(teacher, identity, scaling, columns, levels, content.Ledger, []);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException or NullReferenceException or KeyNotFoundException)
        {
            throw new ModelFileException(path, $"the stimuli teacher's contents are inconsistent ({e.Message.TrimEnd('.')})", e);
        }
    }
}
