using TriageBot.Storage;

namespace TriageBot.Hosting;

/// <summary>Storage: the embedded SQLite file by default, Azure Table Storage when configured.</summary>
public static class StorageExtensions
{
    public static WebApplicationBuilder AddTriageStorage(this WebApplicationBuilder builder)
    {
        builder.Services.AddTriageStorage(builder.Configuration, builder.Environment);
        return builder;
    }
}
