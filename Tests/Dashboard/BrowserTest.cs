using System.Text.Json;
using Arkyn.Tests.Infrastructure;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace Arkyn.Tests.Dashboard;

/// <summary>
/// Base of the browser tests: finds controls as a person would (by their label, their text, their role) and arranges
/// data through the public API. Screenshots go to TestResults/dashboard/ beside the test assembly, never into the repo.
/// </summary>
public abstract class BrowserTest : ApiTest, IDisposable
{
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    protected BrowserTest(BrowserApp app) : base(app) => Web = app;

    protected BrowserApp Web { get; }

    /// <summary>A failed test leaves the page it ended on, as a picture and as text, beside the screenshots.</summary>
    public void Dispose()
    {
        GC.SuppressFinalize(this);
        if (TestContext.Current.TestState?.Result != TestResult.Failed || TestContext.Current.Test is not { } test) return;
        try
        {
            var name = $"failed-{test.TestCase.TestMethodName}";
            Screenshot(name);
            File.WriteAllText(Path.Combine(OutputFolder(App.Engine.ToString()), $"{name}.txt"), $"{Browser.Url}\n\n{Browser.FindElement(By.TagName("body")).Text}");
        }
        catch (WebDriverException) { }
    }
    protected ChromeDriver Browser => Web.Browser;

    public static string OutputFolder(string engine) =>
        Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "TestResults", "dashboard", engine)).FullName;

    protected void Open(string hash) => Browser.Navigate().GoToUrl($"{Web.BaseUrl}/{hash}");

    /// <summary>Opens a page as the account, with the token where Sign in would have put it.</summary>
    protected void OpenSignedIn(Account account, string hash)
    {
        Open("#/signin");
        Heading("Sign in");
        Js("sessionStorage.setItem('arkyn.token', arguments[0]); location.hash = arguments[1];", account.Token, hash);
    }

    protected object? Js(string script, params object[] args) => Browser.ExecuteScript(script, args);

    protected T Until<T>(Func<T?> condition, string what)
    {
        var wait = new DefaultWait<IWebDriver>(Browser) { Timeout = Patience, PollingInterval = TimeSpan.FromMilliseconds(100), Message = $"waited for {what}" };
        wait.IgnoreExceptionTypes(typeof(StaleElementReferenceException), typeof(NoSuchElementException));
        return wait.Until(_ => condition() is { } value && !Equals(value, false) ? value : default)!;
    }

    protected void Eventually(Func<bool> condition, string what) => Until(() => condition() ? (object)true : null, what);

    IWebElement Visible(string xpath, string what) =>
        Until(() => Browser.FindElements(By.XPath(xpath)).FirstOrDefault(e => e.Displayed), what);

    /// <summary>The input or select whose visible label is the text.</summary>
    protected IWebElement Field(string label) =>
        Visible($"//label[span[normalize-space()={Literal(label)}]]/*[self::input or self::select or self::textarea]", $"the field labelled {label}");

    protected IWebElement Button(string name) =>
        Visible($"//button[normalize-space()={Literal(name)} or @aria-label={Literal(name)}]", $"the button {name}");

    protected IWebElement Link(string name) =>
        Visible($"//a[normalize-space()={Literal(name)} or @aria-label={Literal(name)}]", $"the link {name}");

    protected IWebElement Heading(string text) =>
        Visible($"//*[self::h1 or self::h2 or self::h3][normalize-space()={Literal(text)}]", $"the heading {text}");

    protected void Type(string label, string text)
    {
        var field = Field(label);
        field.Clear();
        field.SendKeys(text);
    }

    protected void Choose(string label, string option) =>
        Field(label).FindElement(By.XPath($"./option[normalize-space()={Literal(option)}]")).Click();

    /// <summary>The body rows of the table with that caption, each as the texts of its cells.</summary>
    protected List<List<string>> Rows(string caption) =>
        Browser.FindElements(By.XPath($"//table[caption[normalize-space()={Literal(caption)}]]/tbody/tr"))
            .Select(r => r.FindElements(By.XPath("./th|./td")).Select(c => c.Text).ToList()).ToList();

    protected List<string> ColumnHeaders(string caption) =>
        Browser.FindElements(By.XPath($"//table[caption[normalize-space()={Literal(caption)}]]/thead//th")).Select(c => c.Text.Trim(' ', '▲', '▼')).ToList();

    protected List<List<string>> RowsWhen(string caption, Func<List<List<string>>, bool> condition, string what)
    {
        List<List<string>> rows = [];
        Eventually(() => condition(rows = Rows(caption)), what);
        return rows;
    }

    protected string? SessionToken => Js("return sessionStorage.getItem('arkyn.token');") as string;

    protected void Screenshot(string name) =>
        Browser.GetScreenshot().SaveAsFile(Path.Combine(OutputFolder(App.Engine.ToString()), $"{name}.png"));

    /// <summary>No captured value ran as script: none of the payloads' handlers set the flag, none became an element.</summary>
    protected void AssertNothingRan()
    {
        Assert.Equal(true, Js("return window.__pwned === undefined;"));
        Assert.Equal(0L, Js("return document.querySelectorAll('main img, main script, main iframe, main object, main [onerror], main [onload]').length;"));
    }

    /// <summary>An XPath string literal of any text, quotes included.</summary>
    static string Literal(string text) => !text.Contains('\'') ? $"'{text}'"
        : !text.Contains('"') ? $"\"{text}\"" : $"concat('{text.Replace("'", "',\"'\",'")}')";

    protected async Task<string> SourceAsync(Account owner, string name)
    {
        var source = await SendAsync(HttpMethod.Post, "/traffic-source", new { name, trafficDomain = $"{Guid.NewGuid():N}.example.com" }, owner.Token);
        Assert.Equal(HttpStatusCode.Created, source.Status);
        return source.Json["id"]!.GetValue<string>();
    }

    public static object Record(int status, string path, double elapsed, DateTimeOffset at, string method = "GET", string? user = null,
        object? requestHeaders = null, object? queryParams = null, object? requestBody = null, object? responseHeaders = null, object? responseBody = null) => new
    {
        id = Guid.CreateVersion7().ToString(), timestamp = at.ToString("O"), domainUrl = "https://api.example.com", pathnameUrl = path,
        method, status, elapsedTime = elapsed, trafficUserId = user,
        requestHeaders = requestHeaders ?? new { }, queryParams = queryParams ?? new { }, requestBody,
        responseHeaders = responseHeaders ?? new { }, responseBody,
    };

    /// <summary>Stores the records in one batch and answers their ids in order.</summary>
    protected async Task<List<string>> SeedAsync(Account owner, string sourceId, IEnumerable<object> records)
    {
        var batch = await SendRawAsync(HttpMethod.Post, $"/http-traffic-record/{sourceId}/batch", JsonSerializer.Serialize(new { records }), owner.Token);
        Assert.Equal(HttpStatusCode.MultiStatus, batch.Status);
        Assert.Empty(batch.Json["errors"]!.AsArray());
        return batch.Json["successes"]!.AsArray().Select(s => s!["id"]!.GetValue<string>()).ToList();
    }
}
