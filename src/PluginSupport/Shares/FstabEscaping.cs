using System.Text;

namespace Diskless.PluginSupport.Shares;

/// <summary>fstab fields are separated by blanks: blanks and backslashes in a path are written as octal escapes (\040).</summary>
public static class FstabEscaping
{
    public static string Escape(string path)
    {
        var builder = new StringBuilder(path.Length);
        foreach (var c in path)
        {
            if (c is ' ' or '\t' or '\n' or '\\')
            {
                builder.Append('\\').Append(Convert.ToString((int)c, 8).PadLeft(3, '0'));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
