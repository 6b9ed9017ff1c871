using Diskless.Abstractions;
using Diskless.Cli.State;

namespace Diskless.EndToEnd;

/// <summary>Where the program keeps a machine's state: in the data dir, under the project's key, never in the project.</summary>
internal static class StateFolders
{
    /// <summary>Machine <paramref name="name"/>'s state folder for the project in <paramref name="project"/>, in <paramref name="dataDirectory"/> (the end-to-end one by default).</summary>
    public static string Machine(string project, string name, string? dataDirectory = null) =>
        new ProjectState(project, new HostPaths(dataDirectory ?? DisklessProcess.DataDirectory)).MachineStateDirectory(name);

    /// <summary>The project's state folder (project.json and machines/), in <paramref name="dataDirectory"/> (the end-to-end one by default).</summary>
    public static string Project(string project, string? dataDirectory = null) =>
        new ProjectState(project, new HostPaths(dataDirectory ?? DisklessProcess.DataDirectory)).StateDirectory;
}
