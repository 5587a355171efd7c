// The linked local OpenID issuer of the Teams tests expects xunit's namespace, as the test projects import it.
global using Xunit;
