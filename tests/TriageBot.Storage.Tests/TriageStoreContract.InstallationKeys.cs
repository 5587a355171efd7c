using TriageBot.Core.Ports;
using TriageBot.Slack.Installations;

namespace TriageBot.Storage.Tests;

/// <summary>Issue 20: listing installations, and rotating the key that seals their tokens, on every backend.</summary>
public abstract partial class TriageStoreContract
{
    private static readonly byte[] OldKey = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];
    private static readonly byte[] NewKey = [.. Enumerable.Range(101, 32).Select(i => (byte)i)];
    private static readonly byte[] LostKey = [.. Enumerable.Range(201, 32).Select(i => (byte)i)];

    private static Installation Sealed(TokenCipher cipher, string team, string token, bool rotation = true)
    {
        var row = NewInstallation(team);
        return row with
        {
            SealedBotToken = cipher.Seal(token, row.Key),
            SealedRefreshToken = rotation ? cipher.Seal("xoxe-" + token, row.Key + "#refresh") : null,
        };
    }

    [Fact]
    public async Task Installation_Listed_GivesEveryRowOnceWithTheETagAReplaceNeeds()
    {
        var rows = Enumerable.Range(0, 5).Select(_ => NewInstallation("T" + Build.Id())).ToList();
        foreach (var row in rows)
        {
            await Backend.Installations.SaveAsync(row, Ct);
        }

        var listed = await Backend.Installations.ListAsync(Ct).ToListAsync(Ct);

        listed.Select(r => r.Value.Key).Order(StringComparer.Ordinal).ShouldBe(rows.Select(r => r.Key).Order(StringComparer.Ordinal));
        listed.Single(r => r.Value.Key == rows[2].Key).Value.ShouldBe(rows[2]);
        var replaced = await Backend.Installations.TryReplaceAsync(rows[2] with { Scopes = "chat:write" }, listed.Single(r => r.Value.Key == rows[2].Key).ETag, Ct);
        replaced.ShouldNotBeNull();
    }

    [Fact]
    public async Task Installation_KeyRotated_ResealingAll_SealsEveryRowWithTheNewKey_SoTheOldKeyCanBeDropped()
    {
        var before = new TokenCipher(OldKey);
        var teams = Enumerable.Range(0, 3).Select(_ => "T" + Build.Id()).ToList();
        foreach (var (team, i) in teams.Select((t, i) => (t, i)))
        {
            await Backend.Installations.SaveAsync(Sealed(before, team, $"xoxb-{i}", rotation: i != 1), Ct);
        }

        var rotated = new TokenCipher(NewKey, [OldKey]);
        (await InstallationSealing.CheckAsync(Backend.Installations, rotated, Ct)).Current.ShouldBe(0);

        var report = await InstallationSealing.ResealAllAsync(Backend.Installations, rotated, Ct);

        report.Rows.ShouldBe(3);
        report.Resealed.ShouldBe(3);
        report.HasUnopenable.ShouldBeFalse();
        var newOnly = new TokenCipher(NewKey);
        foreach (var (team, i) in teams.Select((t, i) => (t, i)))
        {
            var row = (await Backend.Installations.GetAsync("T:" + team, Ct))!.Value;
            newOnly.Open(row.SealedBotToken, row.Key).ShouldBe($"xoxb-{i}");
            if (i != 1)
            {
                newOnly.Open(row.SealedRefreshToken!, row.Key + "#refresh").ShouldBe($"xoxe-xoxb-{i}");
            }
            else
            {
                row.SealedRefreshToken.ShouldBeNull();
            }
        }

        var again = await InstallationSealing.ResealAllAsync(Backend.Installations, rotated, Ct);
        again.Resealed.ShouldBe(0);
        again.Current.ShouldBe(3);
    }

    [Fact]
    public async Task Installation_SealedWithAKeyNoLongerConfigured_IsNamedWithItsKeyId_AndNeitherTheCheckNorTheResealChangesIt()
    {
        var lost = Sealed(new TokenCipher(LostKey), "T" + Build.Id(), "xoxb-lost");
        var kept = Sealed(new TokenCipher(OldKey), "T" + Build.Id(), "xoxb-kept");
        await Backend.Installations.SaveAsync(lost, Ct);
        await Backend.Installations.SaveAsync(kept, Ct);
        var cipher = new TokenCipher(NewKey, [OldKey]);

        var check = await InstallationSealing.CheckAsync(Backend.Installations, cipher, Ct);
        var reseal = await InstallationSealing.ResealAllAsync(Backend.Installations, cipher, Ct);

        check.Unopenable.ShouldBe([lost.Key]);
        check.UnknownKeyIds.Keys.ShouldBe([TokenCipher.KeyId(LostKey)]);
        var why = InstallationSealing.Explain(check, cipher);
        why.ShouldContain(TokenCipher.KeyId(LostKey));
        why.ShouldContain("Slack:PreviousInstallationKeys");
        reseal.Unopenable.ShouldBe([lost.Key]);
        reseal.Resealed.ShouldBe(1);
        (await Backend.Installations.GetAsync(lost.Key, Ct))!.Value.ShouldBe(lost);
        cipher.IsCurrent((await Backend.Installations.GetAsync(kept.Key, Ct))!.Value.SealedBotToken).ShouldBeTrue();
    }
}
