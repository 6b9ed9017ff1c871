// A startup hook the tests give the program (DOTNET_STARTUP_HOOKS): it writes the assemblies the process loaded, when
// it exits, to $DISKLESS_TEST_LOADED_ASSEMBLIES. The runtime looks for this name in no namespace.
#pragma warning disable CA1050
public static class StartupHook
#pragma warning restore CA1050
{
    public static void Initialize()
    {
        if (Environment.GetEnvironmentVariable("DISKLESS_TEST_LOADED_ASSEMBLIES") is not { Length: > 0 } file)
        {
            return;
        }

        // No LINQ here: the list must not gain the assemblies that writing it loads.
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            var names = new List<string>();
            foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies())
            {
                names.Add(assembly.GetName().Name ?? "");
            }

            File.WriteAllLines(file, names);
        };
    }
}
