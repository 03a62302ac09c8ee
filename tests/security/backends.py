"""The test settings' axes backend: the real one, except for Django's test client.login()."""

from axes.backends import AxesStandaloneBackend


class AxesBackendForTestClient(AxesStandaloneBackend):
    """axes refuses ``authenticate()`` without a request (a sign-in it could not throttle);
    ``Client.login()`` makes exactly that call, so here it passes through. Every sign-in
    through a login view has its request and is throttled as in production."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
