using System.Text;

namespace Arkyn.Infrastructure;

public enum DatabaseProvider { Sqlite, Postgres }

public enum DateFormat { Arkyn, Iso8601 }

public sealed record DatabaseSettings(DatabaseProvider Provider, string ConnectionString);

public sealed record AuthSettings(byte[]? SigningKey, TimeSpan TokenLifetime, bool AllowRegistration);

public sealed record ApiSettings(DateFormat DateFormat, long MaxRequestBodyBytes);

/// <summary>Reads and checks every configuration key up front so a bad value stops start-up naming the key.</summary>
public static class Settings
{
    public const string DefaultSqliteConnectionString = "Data Source=data/arkyn.db";

    public static DatabaseSettings Database(IConfiguration config)
    {
        var providerText = config["Database:Provider"] ?? "sqlite";
        var provider = providerText.Trim().ToLowerInvariant() switch
        {
            "sqlite" => DatabaseProvider.Sqlite,
            "postgres" or "postgresql" => DatabaseProvider.Postgres,
            _ => throw new StartupException($"Database:Provider '{providerText}' is unknown; use 'sqlite' or 'postgres'."),
        };
        var connectionString = config.GetConnectionString("Arkyn");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            if (provider == DatabaseProvider.Postgres)
                throw new StartupException("ConnectionStrings:Arkyn is required when Database:Provider is 'postgres'.");
            connectionString = DefaultSqliteConnectionString;
        }
        return new DatabaseSettings(provider, connectionString);
    }

    public static AuthSettings Auth(IConfiguration config)
    {
        var keyText = config["Auth:SigningKey"];
        byte[]? key = null;
        if (!string.IsNullOrEmpty(keyText))
        {
            key = Encoding.UTF8.GetBytes(keyText);
            if (key.Length < 32)
                throw new StartupException($"Auth:SigningKey is {key.Length} bytes long; it must be at least 32 bytes.");
        }
        var lifetimeText = config["Auth:TokenLifetime"] ?? "12:00:00";
        if (!TimeSpan.TryParse(lifetimeText, System.Globalization.CultureInfo.InvariantCulture, out var lifetime) || lifetime <= TimeSpan.Zero)
            throw new StartupException($"Auth:TokenLifetime '{lifetimeText}' is not a positive time span such as 12:00:00.");
        return new AuthSettings(key, lifetime, Bool(config, "Auth:AllowRegistration", false));
    }

    public static ApiSettings Api(IConfiguration config)
    {
        var formatText = config["Api:DateFormat"] ?? "arkyn";
        var format = formatText.Trim().ToLowerInvariant() switch
        {
            "arkyn" => DateFormat.Arkyn,
            "iso8601" => DateFormat.Iso8601,
            _ => throw new StartupException($"Api:DateFormat '{formatText}' is unknown; use 'arkyn' or 'iso8601'."),
        };
        return new ApiSettings(format, PositiveLong(config, "Api:MaxRequestBodyBytes", 1_048_576));
    }

    public static long PositiveLong(IConfiguration config, string key, long fallback, bool allowZero = false)
    {
        var text = config[key];
        if (text is null) return fallback;
        if (!long.TryParse(text, out var value) || value < 0 || (value == 0 && !allowZero))
            throw new StartupException($"{key} '{text}' is not a {(allowZero ? "non-negative" : "positive")} whole number.");
        return value;
    }

    public static bool Bool(IConfiguration config, string key, bool fallback)
    {
        var text = config[key];
        if (text is null) return fallback;
        if (!bool.TryParse(text, out var value))
            throw new StartupException($"{key} '{text}' is not true or false.");
        return value;
    }
}
