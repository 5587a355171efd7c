using System.Buffers.Binary;
using System.IO.Compression;
using System.Net;
using System.Text;
using TriageBot.Charts;

namespace TriageBot.Tests.Ceremonies;

/// <summary>The allocation chart: a PNG drawn by the host, served at an unguessable, expiring address under the public base URL.</summary>
public sealed class ChartTests
{
    private const string PublicBaseUrl = "https://triage.example.test";

    [Fact]
    public async Task ReportAllocation_WithAPublicUrl_LinksAChartWhoseBarsAreThePlannedAndActualShares()
    {
        await using var host = await ReportTests.StartAsync(PublicBaseUrl);

        var report = await ReportTests.PostAsync(host, "report allocation");

        report.ChartUrl.ShouldNotBeNull().ShouldStartWith(PublicBaseUrl + "/charts/");
        report.ChartUrl.ShouldEndWith(".png");
        report.ChartUrl.ShouldNotContain((await host.Store.Backlogs.GetAsync(ReportBacklog.Id, CancellationToken.None))!.Value.DashboardToken);
        var response = await host.CreateClient().GetAsync(new Uri(report.ChartUrl).PathAndQuery);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("image/png");

        var image = Png.Decode(await response.Content.ReadAsByteArrayAsync());
        (image.Width, image.Height).ShouldBe((AllocationChart.Width, AllocationChart.Height));
        // Planned 40 / 25 / 35; actual 27 (off plan), 18, 55 (off plan): see ReportBacklog.
        BarHeight(image, 0, actual: false).ShouldBe(AllocationChart.BarHeight(40));
        BarHeight(image, 0, actual: true).ShouldBe(AllocationChart.BarHeight(100.0 * 15 / 55));
        BarHeight(image, 1, actual: true).ShouldBe(AllocationChart.BarHeight(100.0 * 10 / 55));
        BarHeight(image, 2, actual: true).ShouldBe(AllocationChart.BarHeight(100.0 * 30 / 55));
        image.Pixel(AllocationChart.BarColumns(0, true).Left + 1, AllocationChart.Baseline - 2).ShouldBe(AllocationChart.OffPlanColor);
        image.Pixel(AllocationChart.BarColumns(1, true).Left + 1, AllocationChart.Baseline - 2).ShouldBe(AllocationChart.ActualColor);
    }

    [Fact]
    public async Task ChartLink_ForgedExpiredOrRevoked_IsNotFound()
    {
        await using var host = await ReportTests.StartAsync(PublicBaseUrl);
        var path = new Uri((await ReportTests.PostAsync(host, "report allocation")).ChartUrl!).PathAndQuery;
        var client = host.CreateClient();
        (await client.GetAsync(path)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var token = path["/charts/".Length..^".png".Length];
        var parts = token.Split('.');
        var forgedSignature = $"/charts/{parts[0]}.{parts[1]}.{parts[2]}.{(parts[3][0] == 'A' ? 'B' : 'A')}{parts[3][1..]}.png";
        var longerLife = $"/charts/{parts[0]}.{parts[1]}.{long.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture) + 86400}.{parts[3]}.png";
        (await client.GetAsync(forgedSignature)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await client.GetAsync(longerLife)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await client.GetAsync("/charts/not-a-token.png")).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        host.Clock.Advance(TimeSpan.FromDays(31));
        (await client.GetAsync(path)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ChartLink_StopsWorkingWhenTheDashboardLinkIsRotated()
    {
        await using var host = await ReportTests.StartAsync(PublicBaseUrl);
        var path = new Uri((await ReportTests.PostAsync(host, "report allocation")).ChartUrl!).PathAndQuery;

        await host.SayAsync(Seed.Facilitator, Seed.Channel("C-rep"), "dashboard rotate");

        (await host.CreateClient().GetAsync(path)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    private static int BarHeight(Png image, int stream, bool actual)
    {
        var x = AllocationChart.BarColumns(stream, actual).Left + 1;
        var height = 0;
        for (var y = AllocationChart.Baseline - 1; y >= 0 && image.Pixel(x, y) is var p && (p == AllocationChart.ActualColor || p == AllocationChart.OffPlanColor || p == AllocationChart.PlannedColor); y--)
        {
            height++;
        }

        return height;
    }

    /// <summary>Just enough of a PNG reader to check what the encoder wrote: chunk CRCs aside, IHDR and the inflated scanlines.</summary>
    private sealed record Png(int Width, int Height, byte[] Rgb)
    {
        public (byte, byte, byte) Pixel(int x, int y)
        {
            var at = (y * Width + x) * 3;
            return (Rgb[at], Rgb[at + 1], Rgb[at + 2]);
        }

        public static Png Decode(byte[] file)
        {
            file[..8].ShouldBe(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A });
            int width = 0, height = 0;
            using var idat = new MemoryStream();
            for (var at = 8; at < file.Length;)
            {
                var length = BinaryPrimitives.ReadInt32BigEndian(file.AsSpan(at));
                var type = Encoding.ASCII.GetString(file, at + 4, 4);
                var data = file.AsSpan(at + 8, length);
                if (type == "IHDR")
                {
                    width = BinaryPrimitives.ReadInt32BigEndian(data);
                    height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                    data[8].ShouldBe((byte)8);
                    data[9].ShouldBe((byte)2);
                }
                else if (type == "IDAT")
                {
                    idat.Write(data);
                }

                at += 12 + length;
            }

            idat.Position = 0;
            using var inflated = new MemoryStream();
            using (var zlib = new ZLibStream(idat, CompressionMode.Decompress))
            {
                zlib.CopyTo(inflated);
            }

            var raw = inflated.ToArray();
            raw.Length.ShouldBe(height * (1 + width * 3));
            var rgb = new byte[width * height * 3];
            for (var y = 0; y < height; y++)
            {
                raw[y * (1 + width * 3)].ShouldBe((byte)0, "every scanline uses filter 0");
                Array.Copy(raw, y * (1 + width * 3) + 1, rgb, y * width * 3, width * 3);
            }

            return new Png(width, height, rgb);
        }
    }
}
