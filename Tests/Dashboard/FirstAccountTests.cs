namespace Arkyn.Tests.Dashboard;

/// <summary>A fresh install, with no account yet: a class of its own, so its database has never had a user.</summary>
public abstract class FirstAccountTests(BrowserApp app) : BrowserTest(app)
{
    [Fact]
    public async Task A_fresh_install_shows_the_first_account_screen_and_signs_the_new_account_in()
    {
        Open("");
        Heading("Create the first account");
        Type("Name", "Grace Hopper");
        Type("Email", "grace@example.com");
        Type("Password", "short");
        Button("Create account").Click();
        // The browser's own check stops a password under 8 characters before it is sent.
        Assert.Equal(false, Js("return document.querySelector('input[name=password]').validity.valid;"));
        Screenshot("first-account");

        Type("Password", "correct horse battery");
        Button("Create account").Click();
        Heading("Traffic sources");
        Assert.Contains("Grace Hopper", Browser.FindElement(OpenQA.Selenium.By.Id("account")).Text);
        Assert.NotNull(SessionToken);
        var me = await SendAsync(HttpMethod.Get, "/user/me", token: SessionToken);
        Assert.Equal("grace@example.com", me.Json["email"]!.GetValue<string>());

        Button("Sign out").Click();
        Heading("Sign in");
        Assert.Empty(Browser.FindElements(OpenQA.Selenium.By.XPath("//h1[normalize-space()='Create the first account']")));
    }
}

[Collection(BrowserCollection.Name)]
public sealed class FirstAccountTestsOnSqlite(SqliteBrowserApp app) : FirstAccountTests(app), IClassFixture<SqliteBrowserApp>;

[Collection(BrowserCollection.Name)]
public sealed class FirstAccountTestsOnPostgres(PostgresBrowserApp app) : FirstAccountTests(app), IClassFixture<PostgresBrowserApp>;
