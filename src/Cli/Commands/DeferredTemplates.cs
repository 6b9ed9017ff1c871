using System.Reflection;
using Diskless.Abstractions;

namespace Diskless.Cli.Commands;

/// <summary>
/// Templates that start the template engine on the first render. Commands hand templates to host services up front,
/// but most runs (status, ssh) never render one, and loading the engine is a measurable share of start-up.
/// </summary>
/// <param name="create">Creates the real renderer.</param>
internal sealed class DeferredTemplates(Func<ITemplates> create) : ITemplates
{
    private readonly Lazy<ITemplates> inner = new(create);

    public string Render<TModel>(Assembly owner, string templateName, TModel model)
        where TModel : notnull => inner.Value.Render(owner, templateName, model);
}
